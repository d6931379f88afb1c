#!/usr/bin/env python3
"""Writes the address books bench/import.sh imports: a CSV and an XLSX of fake people.

Usage: import-files.py <csv rows> <xlsx rows> <directory>
Every row has an address, a name and four attribute columns (a city, a plan, a score, and in the
XLSX a number and a date-formatted cell). The XLSX is written by hand with zipfile: inline
strings, one sheet, a style for dates.
"""
import os
import sys
import zipfile

CITIES = ["Paris", "Oslo", "Rome", "Lyon", "Kyiv", "Lima", "Pune", "Graz"]
PLANS = ["free", "pro", "team"]


def person(i):
    return (f"person{i}@example{i % 97}.com", f"Person {i}", CITIES[i % 8], PLANS[i % 3], i % 100)


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("email,name,city,plan,score,signup\n")
        for i in range(rows):
            email, name, city, plan, score = person(i)
            out.write(f"{email},{name},{city},{plan},{score},2024-0{1 + i % 9}-1{i % 10}\n")


def write_xlsx(path, rows):
    def cell_str(ref, text):
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                   '</Relationships>')
        z.writestr("xl/styles.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
                   '<borders count="1"><border/></borders>'
                   '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
                   '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
                   '</styleSheet>')
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            w = lambda s: sheet.write(s.encode("utf-8"))
            w('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            head = ["email", "name", "city", "plan", "score", "signup"]
            w('<row r="1">' + "".join(cell_str(f"{chr(65 + k)}1", h) for k, h in enumerate(head)) + "</row>")
            for i in range(rows):
                r = i + 2
                email, name, city, plan, score = person(i)
                w(f'<row r="{r}">' + cell_str(f"A{r}", email) + cell_str(f"B{r}", name)
                  + cell_str(f"C{r}", city) + cell_str(f"D{r}", plan)
                  + f'<c r="E{r}"><v>{score}</v></c>'
                  + f'<c r="F{r}" s="1"><v>{45000 + i % 1000}</v></c></row>')
            w("</sheetData></worksheet>")


if __name__ == "__main__":
    csv_rows, xlsx_rows, directory = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(directory, exist_ok=True)
    write_csv(os.path.join(directory, "people.csv"), csv_rows)
    write_xlsx(os.path.join(directory, "people.xlsx"), xlsx_rows)
