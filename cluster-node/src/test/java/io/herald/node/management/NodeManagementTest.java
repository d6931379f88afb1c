package io.herald.node.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class NodeManagementTest {

  @Test
  void seedNodesAreTheDefault() {
    assertThat(NodeManagement.formsClusterThroughBootstrap(ConfigFactory.load())).isFalse();
  }

  @Test
  void kubernetesDiscoveryFormsTheClusterThroughBootstrap() {
    assertThat(
            NodeManagement.formsClusterThroughBootstrap(
                ConfigFactory.parseString("herald.discovery = kubernetes")))
        .isTrue();
  }

  @Test
  void unknownDiscoveryIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                NodeManagement.formsClusterThroughBootstrap(
                    ConfigFactory.parseString("herald.discovery = kubernets")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kubernets");
  }

  @Test
  void bootstrapLooksForPodsThroughTheKubernetesApi() {
    var bootstrap =
        ConfigFactory.load()
            .getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    assertThat(bootstrap.getString("discovery-method")).isEqualTo("kubernetes-api");
    assertThat(bootstrap.getString("port-name")).isEqualTo("management");
    assertThat(ConfigFactory.load().getString("pekko.discovery.kubernetes-api.class"))
        .as("pekko-discovery-kubernetes-api is on the classpath")
        .isNotEmpty();
  }
}
