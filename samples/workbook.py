#!/usr/bin/env python3
"""Writes samples/workbook/: the batch of samples/excel-ru/ as a caseworker keeps it in
Excel, one workbook batch.xlsx with the sheets «Заявители», «Члены семьи», «Расходы»,
and a copy of excel-ru's documents/.

Each sheet has a title row above its header (the reader finds the header below it);
dates are real Excel dates (shown DD.MM.YYYY); amounts, weights and counts are numbers;
every other cell is text, as a column formatted as Text keeps it. Two cells are the
traps the reader must catch, as Excel makes them when a column is left General:

- A005's IIN 040315516148 stored as the number 40315516148 (Excel dropped the leading
  0): valid once the 0 is restored, so it is read restored with a `data.excel_number`
  warning;
- A044's 20-digit bank account stored as a number (Excel keeps 15 significant digits):
  a `data.format` error, so A044 is invalid until the column is made Text and the
  number typed again.

Needs openpyxl (`pip install openpyxl`). Deterministic: the workbook's properties and
its ZIP entries' times are fixed, so two runs write the same bytes.

    python3 samples/workbook.py
"""

import csv
import datetime
import io
import os
import re
import shutil
import zipfile

import openpyxl
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "excel-ru")
OUT = os.path.join(HERE, "workbook")

SHEETS = [
    ("applicants.csv", "Заявители", "Заявители — пакет 2026-11 (образец resettle)"),
    ("family.csv", "Члены семьи", "Члены семей заявителей"),
    ("expenses.csv", "Расходы", "Расходы на переезд"),
]

# Headers whose values are written as numbers (a decimal comma read as a point).
NUMERIC = {
    "Сумма",
    "Вес, кг",
    "Миграционные правонарушения за 12 мес.",
    "Админ. правонарушения за 12 мес.",
    "Нарушения миграционного законодательства",
}

# The two traps: (applicant_id, header) stored as a number.
AS_NUMBER = {("A005", "ИИН"), ("A044", "Номер счёта")}

FIXED_TIME = datetime.datetime(2026, 11, 24, 9, 0, 0)


def is_date(header):
    return header.startswith("Дата") or header == "Срок действия"


def read(name):
    with open(os.path.join(SOURCE, name), encoding="cp1251", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    return rows[0], rows[1:]


def cell_value(header, value, applicant_id):
    if value == "":
        return None
    if is_date(header):
        d, m, y = value.split(".")
        return datetime.date(int(y), int(m), int(d))
    if header in NUMERIC:
        number = float(value.replace(",", "."))
        return int(number) if number.is_integer() else number
    if (applicant_id, header) in AS_NUMBER:
        return int(value)
    return value


def workbook():
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.creator = "resettle samples/workbook.py"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    bold = Font(bold=True)
    for file, name, title in SHEETS:
        header, rows = read(file)
        sheet = book.create_sheet(name)
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(header)
        for c in sheet[2]:
            c.font = bold
        for row in rows:
            values = [cell_value(h, v, row[0]) for h, v in zip(header, row)]
            sheet.append(values)
        for col, h in enumerate(header, start=1):
            letter = openpyxl.utils.get_column_letter(col)
            sheet.column_dimensions[letter].width = max(12, min(40, len(h) + 2))
            for r in range(3, len(rows) + 3):
                c = sheet.cell(row=r, column=col)
                if isinstance(c.value, datetime.date):
                    c.number_format = "DD.MM.YYYY"
                elif isinstance(c.value, str):
                    c.number_format = "@"
        sheet.freeze_panes = "A3"
    return book


def deterministic(data):
    """The ZIP `data` again with every entry's time (and the modified date) fixed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving.
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
                    body,
                )
            dst.writestr(fixed, body)
    return out.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    buffer = io.BytesIO()
    workbook().save(buffer)
    with open(os.path.join(OUT, "batch.xlsx"), "wb") as f:
        f.write(deterministic(buffer.getvalue()))
    documents = os.path.join(OUT, "documents")
    if os.path.exists(documents):
        shutil.rmtree(documents)
    shutil.copytree(os.path.join(SOURCE, "documents"), documents)


if __name__ == "__main__":
    main()
