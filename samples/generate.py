#!/usr/bin/env python3
# -*- coding: utf-8 -*-
r"""Generate the bundled sample batches of `resettle`.

    python3 samples/generate.py

Python 3.11+ standard library only, no randomness: two runs write byte-identical files.
The script deletes and rewrites exactly two folders, samples/batch/ and
samples/excel-ru/, and rewrites samples/README.md. The reference "today" of the
samples is 2026-11-24 (run the tool with `--as-of 2026-11-24`).

Every identifier is computed here and checked by the same functions the tool must
implement (domain.md "Identifier checks"): IIN check digit + birth date + sex, bank
account control key with the BIK, SNILS and personal INN checksums. Only the five
deliberately broken values listed below fail.

Scenarios (samples/batch/; status = most severe finding, design.md):
  id           status     scenario
  A001         ready      family of 4 to Primorsky Krai (priority territory): spouse, child 15
                          (birth_certificate + parent_consent + child_opinion), child 8;
                          no_criminal_record and birth_certificate-F2 handed in on paper
                          (`documents` column)
  A002         ready      Kaliningrad Oblast (ordinary region) with a non-relocating pensioner
                          parent and a relocating pensioner grandparent; multi-line address;
                          duty_receipt and marriage_certificate on paper
  A003         ready      single stateless applicant (residence_card, no IIN), address with an
                          embedded comma and quotes
  A004         ready      divorced man paying alimony (divorce_certificate, alimony_consent), a
                          non-relocating child from the first marriage (birth_certificate only)
  A005         ready      young man aged 22 (military_deregistration), Russian fluent
                          (russian_language_certificate), address `ул. Абая 10, кв. #panic()`
  A006         ready      Kazakh teacher, fluent, married; scans named with the alternative
                          stems of documents.toml (passport.pdf, foto.jpg)
  A007         ready      widower, adult relocating child, target region given as subject code
                          "39", profession `<b>bold</b> "quoted" \\backslash`
  A008         ready      near miss: admin_offences_12m exactly 2; profession contains `*]$\`
  A009         ready      near miss: deportation 2021-11-23 (just over 5 years before as-of)
  A010         ready      arrived participant, Khabarovsk, stage 1 paid 2025-05-15 (stage 2 is
                          due exactly from 2026-11-15), expenses with receipts
  A011         ready*     arrived, Amur, stage1_paid_date 2026-02-15 -> claim.stage2_too_early
  A012         ready*     arrived, Tula, baggage 5400 kg -> claim.baggage_over_limit
  A013         ready*     arrived, Smolensk, certificate 2023-05-10 -> claim.certificate_expired
  A014..A024   refused    one refusal ground each: extremism, prosecution, serious crime,
                          2 migration violations, other state, deportation 2023-03-10,
                          3 admin offences, ID expires 2027-03-01, Moscow, Санкт-Петербург,
                          false information
  A025..A028   refused    eligibility: aged 17, limited legal capacity, education none,
                          Russian none
  A029..A032   incomplete missing diploma+photo (photo.jpg is a text file); married without
                          marriage_certificate (empty marriage_certificate.pdf); child without
                          birth_certificate; relocating child 16 without parent_consent
  A033..A037   invalid    IIN with a wrong check digit; 11-digit IIN; birth_date 1985-02-31;
                          sex "X"; bank account failing the control key
  ../../etc/x  rejected   applicant_id that is not [A-Za-z0-9_-]{1,64} (row rejected)
  A999         (error)    family.csv row whose applicant does not exist (data.orphan)
  * claim.* severities are not fixed by domain.md: ready if they are warnings.

samples/excel-ru/ holds 9 of the same people as Excel in a Russian locale saves a CSV:
Windows-1251, `;`, CRLF, Russian headers and values, DD.MM.YYYY, decimal commas, and
Kazakh letters replaced by Russian ones (cp1251 has no ә ғ қ ң ө ұ ү һ і).
"""

import csv
import datetime as dt
import io
import os
import shutil
import struct
import sys
import tomllib
import zlib

AS_OF = dt.date(2026, 11, 24)
HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(os.path.dirname(HERE), "schemas")


def D(s):
    return dt.date.fromisoformat(s)


def age_on(birth, day=AS_OF):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


# --------------------------------------------------------------------------------------
# Identifier checks (domain.md "Identifier checks")
# --------------------------------------------------------------------------------------
IIN_W1 = list(range(1, 12))
IIN_W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def iin_check_digit(first11):
    d = [int(c) for c in first11]
    c = sum(x * w for x, w in zip(d, IIN_W1)) % 11
    if c == 10:
        c = sum(x * w for x, w in zip(d, IIN_W2)) % 11
        if c == 10:
            return None
    return c


def iin_valid(iin):
    if len(iin) != 12 or not iin.isdigit():
        return False
    c = iin_check_digit(iin[:11])
    return c is not None and c == int(iin[11])


def iin_matches(iin, birth, sex):
    """Birth date and sex encoded in a (valid) IIN agree with the record."""
    century = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}.get(int(iin[6]))
    if century is None:
        return False
    enc_sex = "M" if int(iin[6]) % 2 == 1 else "F"
    try:
        enc_birth = dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return False
    return enc_birth == birth and enc_sex == sex


_iin_serial = [1207]  # next serial to try; one counter for the whole run keeps IINs unique
_iins_seen = set()


def make_iin(birth, sex):
    century_code = {(19, "M"): 3, (19, "F"): 4, (20, "M"): 5, (20, "F"): 6}[
        (birth.year // 100, sex)]
    while True:
        serial = _iin_serial[0]
        _iin_serial[0] += 37
        first11 = f"{birth:%y%m%d}{century_code}{serial % 10000:04d}"
        c = iin_check_digit(first11)
        if c is None:  # check digit 10 with both weight sets: take another serial
            continue
        iin = first11 + str(c)
        if iin in _iins_seen:
            continue
        _iins_seen.add(iin)
        assert iin_valid(iin) and iin_matches(iin, birth, sex), iin
        return iin


def bank_key_ok(bik, account):
    if len(bik) != 9 or len(account) != 20 or not (bik + account).isdigit():
        return False
    digits = bik[-3:] + account
    weights = [7, 1, 3] * 8
    return sum((int(x) * w) % 10 for x, w in zip(digits, weights)) % 10 == 0


def make_account(bik, branch, number, prefix="40817810"):
    """Personal rouble account 408 17 810 K BBBB NNNNNNN with the control key K."""
    for k in range(10):
        acc = f"{prefix}{k}{branch:04d}{number:07d}"
        if bank_key_ok(bik, acc):
            return acc
    raise AssertionError("no control key")


def snils_checksum(num9):
    s = sum(int(c) * w for c, w in zip(num9, range(9, 0, -1)))
    if s < 100:
        return s
    if s in (100, 101):
        return 0
    s %= 101
    return 0 if s == 100 else s


def make_snils(num9):
    assert len(num9) == 9 and num9 > "001001998"
    return num9 + f"{snils_checksum(num9):02d}"


def snils_valid(s):
    return len(s) == 11 and s.isdigit() and int(s[9:]) == snils_checksum(s[:9])


INN_W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
INN_W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]


def inn_digit(digits, weights):
    return sum(int(c) * w for c, w in zip(digits, weights)) % 11 % 10


def make_inn(first10):
    assert len(first10) == 10
    n11 = str(inn_digit(first10, INN_W11))
    return first10 + n11 + str(inn_digit(first10 + n11, INN_W12))


def inn_valid(s):
    return (len(s) == 12 and s.isdigit() and int(s[10]) == inn_digit(s[:10], INN_W11)
            and int(s[11]) == inn_digit(s[:11], INN_W12))


# --------------------------------------------------------------------------------------
# Tiny but real scan files
# --------------------------------------------------------------------------------------
def pdf_bytes(text):
    """A minimal valid one-page PDF 1.4 with exact xref offsets."""
    esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 18 Tf 56 770 Td ({esc}) Tj ET".encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


def png_bytes(seed):
    """40x30 8-bit greyscale PNG: a light page with a border and a few 'text lines'."""
    w, h = 40, 30
    rows = []
    for y in range(h):
        row = bytearray()
        for x in range(w):
            v = 232
            if x in (0, w - 1) or y in (0, h - 1):
                v = 120
            elif y in (6, 11, 16, 21) and 5 <= x < 35 - ((y + seed) % 3) * 5:
                v = 70
            row.append(v)
        rows.append(b"\x00" + bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def jpeg_bytes(block_levels):
    """Baseline greyscale JFIF, 40x30 pixels (5x4 blocks of 8x8), one flat grey level per
    block (DC coefficients only). block_levels: 4 rows of 5 grey levels 0..255."""
    w, h, q = 40, 30, 8
    out = bytearray(b"\xff\xd8")

    def seg(marker, payload):
        out.extend(b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload)

    seg(0xE0, b"JFIF\x00\x01\x01\x00" + struct.pack(">HH", 1, 1) + b"\x00\x00")
    seg(0xDB, bytes([0]) + bytes([q] * 64))
    seg(0xC0, bytes([8]) + struct.pack(">HH", h, w) + bytes([1, 1, 0x11, 0]))
    dc_bits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # standard luminance DC
    dc_vals = list(range(12))
    ac_bits = [1] + [0] * 15  # a one-symbol AC table: EOB only
    ac_vals = [0x00]
    seg(0xC4, bytes([0x00] + dc_bits + dc_vals + [0x10] + ac_bits + ac_vals))
    seg(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
    # canonical Huffman codes of the DC table
    codes, code, k = {}, 0, 0
    for length, count in enumerate(dc_bits, 1):
        for _ in range(count):
            codes[dc_vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    bits = []

    def put(value, length):
        for i in range(length - 1, -1, -1):
            bits.append((value >> i) & 1)

    prev = 0
    for row in block_levels:
        for level in row:
            dc = round(8 * (level - 128) / q)
            diff, prev = dc - prev, dc
            cat = abs(diff).bit_length()
            put(*codes[cat])
            if cat:
                put(diff if diff > 0 else diff + (1 << cat) - 1, cat)
            put(0, 1)  # EOB
    while len(bits) % 8:
        bits.append(1)
    for i in range(0, len(bits), 8):
        byte = int("".join(map(str, bits[i:i + 8])), 2)
        out.append(byte)
        if byte == 0xFF:
            out.append(0x00)
    out += b"\xff\xd9"
    return bytes(out)


JPEG_PHOTO = jpeg_bytes([[225, 225, 225, 225, 225],
                         [225, 150, 110, 150, 225],
                         [225, 120, 90, 120, 225],
                         [200, 60, 50, 60, 200]])
JPEG_PAGE = jpeg_bytes([[240, 240, 240, 240, 240],
                        [240, 90, 90, 90, 240],
                        [240, 240, 240, 240, 240],
                        [240, 100, 100, 240, 240]])
NOT_A_JPEG = b"This is not an image: the caseworker saved a note under a .jpg name.\n"

# file extension of each document code's scan (a mix of PDF, PNG and JPEG)
SCAN_EXT = {"photo": "jpg", "id_card": "png", "residence_card": "png",
            "birth_certificate": "jpg"}


def scan_bytes(name):
    stem, ext = name.rsplit(".", 1)
    if ext == "pdf":
        return pdf_bytes(f"SAMPLE SCAN {stem}")
    if ext == "png":
        return png_bytes(sum(map(ord, stem)))
    if ext == "jpg":
        return JPEG_PHOTO if stem.split("-")[0] in ("photo", "foto") else JPEG_PAGE
    raise ValueError(name)


# --------------------------------------------------------------------------------------
# The people
# --------------------------------------------------------------------------------------
OPERATORS = ["701", "705", "707", "747", "771", "775", "777", "700"]
MAILS = ["mail.kz", "gmail.com", "inbox.kz", "mail.ru", "yandex.kz"]

APPLICANT_COLUMNS = [
    "applicant_id", "last_name", "first_name", "patronymic", "last_name_lat",
    "first_name_lat", "sex", "birth_date", "birth_place", "citizenship", "iin",
    "id_doc_type", "id_doc_number", "id_doc_issued_by", "id_doc_issue_date",
    "id_doc_expiry_date", "kz_region", "address", "phone", "email", "education",
    "profession", "russian_language", "legal_capacity", "marital_status", "target_region",
    "employer_offer", "military_deregistered", "alimony_recipients", "extremism",
    "under_prosecution", "serious_conviction", "other_state_residence", "false_information",
    "deportation_date", "admin_offences_12m", "migration_violations", "documents",
    "certificate_number", "certificate_date", "arrival_date", "stage1_paid_date",
    "bank_bik", "bank_account", "snils", "inn",
]
FAMILY_COLUMNS = [
    "applicant_id", "member_id", "relation", "last_name", "first_name", "patronymic", "sex",
    "birth_date", "citizenship", "iin", "relocating", "pensioner", "legal_capacity",
]
EXPENSE_COLUMNS = ["applicant_id", "member_id", "kind", "date", "amount_rub", "weight_kg",
                   "receipt"]
BOOL_COLUMNS = {"employer_offer", "military_deregistered", "alimony_recipients", "extremism",
                "under_prosecution", "serious_conviction", "other_state_residence",
                "false_information", "relocating", "pensioner"}
DATE_COLUMNS = {"birth_date", "id_doc_issue_date", "id_doc_expiry_date", "deportation_date",
                "certificate_date", "arrival_date", "stage1_paid_date", "date"}


def M(relation, last, first, patr, sex, birth, relocating, pensioner=False,
      citizenship="KZ"):
    return dict(relation=relation, last_name=last, first_name=first, patronymic=patr,
                sex=sex, birth_date=D(birth), citizenship=citizenship,
                relocating=relocating, pensioner=pensioner)


def A(aid, status, scenario, last, first, patr, last_lat, first_lat, sex, birth,
      birth_place, kz_region, address, target, education, profession, lang, marital,
      **kw):
    a = dict(applicant_id=aid, status=status, scenario=scenario, last_name=last,
             first_name=first, patronymic=patr, last_name_lat=last_lat,
             first_name_lat=first_lat, sex=sex, birth_date=D(birth),
             birth_place=birth_place, kz_region=kz_region, address=address,
             target_region=target, education=education, profession=profession,
             russian_language=lang, marital_status=marital)
    a.update(citizenship="KZ", id_doc_type="id_card", id_doc_issued_by="МВД РК",
             legal_capacity="full", employer_offer=True, alimony_recipients=False,
             extremism=False, under_prosecution=False, serious_conviction=False,
             other_state_residence=False, false_information=False, deportation_date=None,
             admin_offences_12m=0, migration_violations=0, paper=[], omit=[], extra={},
             family=[], expenses=[], findings="", notes="", excel=False, stems={},
             certificate_number="", certificate_date=None, arrival_date=None,
             stage1_paid_date=None, bank=None, snils9=None, inn10=None, raw={},
             expected_bad=[])
    a["military_deregistered"] = sex == "M"
    a.update(kw)
    return a


def X(kind, member, date, amount, receipt, weight=None):
    return dict(kind=kind, member_id=member, date=D(date), amount_rub=amount,
                weight_kg=weight, receipt=receipt)


APPLICANTS = [
    # ---------------------------------------------------------------- ready
    A("A001", "ready", "Family of 4 to a priority settlement territory (Primorsky Krai): "
      "spouse, child aged 15 (birth certificate, parent consent, child opinion), child aged 8",
      "Кузнецов", "Андрей", "Викторович", "KUZNETSOV", "ANDREY", "M", "1985-04-12",
      "г. Усть-Каменогорск", "East Kazakhstan",
      "г. Усть-Каменогорск, пр. Независимости, д. 21, кв. 48", "Primorsky Krai",
      "higher", "инженер-электрик", "native", "married",
      paper=["no_criminal_record", "birth_certificate-F2"], excel=True,
      notes="no_criminal_record and birth_certificate-F2 handed in on paper (documents column)",
      family=[M("spouse", "Кузнецова", "Елена", "Сергеевна", "F", "1987-09-30", True),
              M("child", "Кузнецов", "Максим", "Андреевич", "M", "2011-06-03", True),
              M("child", "Кузнецова", "Дарья", "Андреевна", "F", "2018-02-11", True)]),
    A("A002", "ready", "Ordinary participating region (Kaliningrad Oblast) with a "
      "non-relocating pensioner parent and a relocating pensioner grandparent; multi-line "
      "address", "Шмидт", "Анна", "Викторовна", "SHMIDT", "ANNA", "F", "1991-07-08",
      "г. Рудный", "Kostanay", "г. Костанай,\nул. Байтурсынова, д. 45, кв. 12",
      "Kaliningrad Oblast", "higher", "бухгалтер", "native", "married",
      paper=["duty_receipt", "marriage_certificate"], excel=True,
      notes="address contains a newline; duty_receipt and marriage_certificate on paper",
      family=[M("spouse", "Шмидт", "Роман", "Андреевич", "M", "1989-01-17", True),
              M("parent", "Миллер", "Виктор", "Генрихович", "M", "1958-03-25", False, True),
              M("grandparent", "Миллер", "Эльза", "Фридриховна", "F", "1939-11-02", True,
                True)]),
    A("A003", "ready", "Single stateless applicant (residence card needed, no IIN)",
      "Пак", "Светлана", "Николаевна", "PAK", "SVETLANA", "F", "1979-12-01",
      "г. Караганда", "Karaganda", 'г. Караганда, мкр. "Степной-3", д. 12, кв. 40',
      "Novosibirsk", "vocational", "медицинская сестра", "native", "single",
      citizenship="stateless", id_doc_type="residence_permit",
      notes="address with an embedded comma and double quotes; iin empty (not a KZ citizen)"),
    A("A004", "ready", "Divorced man paying alimony (divorce certificate, alimony consent); "
      "child from the first marriage stays in Kazakhstan", "Коваленко", "Олег", "Петрович",
      "KOVALENKO", "OLEG", "M", "1988-10-19", "г. Экибастуз", "Pavlodar",
      "г. Павлодар, ул. Торайгырова, д. 64, кв. 9", "Калужская область", "vocational",
      "электрогазосварщик", "native", "divorced", alimony_recipients=True,
      notes="non-relocating child: birth_certificate-F1 only",
      family=[M("child", "Коваленко", "Артём", "Олегович", "M", "2014-05-06", False)]),
    A("A005", "ready", "Young man aged 22 (military deregistration), Russian fluent "
      "(language certificate)", "Сейтқали", "Әлихан", "Ерланұлы", "SEITKALI", "ALIKHAN",
      "M", "2004-03-15", "г. Шымкент", "Shymkent", "ул. Абая 10, кв. #panic()",
      "Омская область", "vocational", "автомеханик", "fluent", "single", excel=True,
      notes="hostile address `ул. Абая 10, кв. #panic()`"),
    A("A006", "ready", "Kazakh teacher, Russian fluent, married, spouse relocating",
      "Жұмабаева", "Іңкәр", "Төлегенқызы", "ZHUMABAYEVA", "INKAR", "F", "1990-01-25",
      "с. Қарабұлақ, Алматинская обл.", "Almaty", "г. Алматы, мкр. Самал-2, д. 58, кв. 7",
      "Stavropol", "higher", "учитель начальных классов", "fluent", "married", excel=True,
      id_doc_type="passport", stems={"id_card": "passport.pdf", "photo": "foto.jpg"},
      notes="scans use the alternative stems passport.pdf and foto.jpg of documents.toml",
      family=[M("spouse", "Жұмабаев", "Ерғали", "Қайратұлы", "M", "1988-06-14", True)]),
    A("A007", "ready", "Widower with an adult relocating daughter; target region given as "
      "subject code 39 (Kaliningrad)", "Гарипов", "Ринат", "Ильдарович", "GARIPOV", "RINAT",
      "M", "1976-08-09", "г. Атырау", "Atyrau", "г. Атырау, ул. Сатпаева, д. 3, кв. 15",
      "39", "higher", '<b>bold</b> "quoted" \\\\backslash', "native", "widowed",
      notes='hostile profession `<b>bold</b> "quoted" \\\\backslash`',
      family=[M("child", "Гарипова", "Алсу", "Ринатовна", "F", "2001-04-02", True)]),
    A("A008", "ready", "Near miss: exactly 2 administrative offences in 12 months (not more "
      "than 2)", "Цой", "Артур", "Геннадьевич", "TSOY", "ARTUR", "M", "1987-05-05",
      "г. Талгар", "Almaty Region", "г. Талгар, ул. Кунаева, д. 77", "Krasnoyarsk Krai",
      "higher", "инженер-программист *]$\\", "native", "single", admin_offences_12m=2,
      notes="profession contains `*]$\\`"),
    A("A009", "ready", "Near miss: deported 2021-11-23, just over 5 years before 2026-11-24",
      "Шульц", "Александр", "", "SHULTS", "ALEKSANDR", "M", "1981-09-12",
      "г. Темиртау", "Karaganda", "г. Темиртау, пр. Металлургов, д. 14, кв. 33",
      "Smolensk", "vocational", "слесарь-ремонтник", "native", "single",
      deportation_date=D("2021-11-23"), migration_violations=1,
      notes="empty patronymic; migration_violations 1 (below the threshold of 2)"),
    A("A010", "ready", "Arrived participant (Khabarovsk, priority territory): certificate, "
      "arrival, stage 1 paid 2025-05-15 (stage 2 due from 2026-11-15), travel, baggage and "
      "duty expenses", "Ким", "Владимир", "Сергеевич", "KIM", "VLADIMIR", "M", "1983-02-27",
      "г. Уштобе", "Zhetysu", "г. Талдыкорган, ул. Жансугурова, д. 112, кв. 5",
      "Khabarovsk", "higher", "врач-терапевт", "native", "married", excel=True,
      certificate_number="ХБ 0412345", certificate_date=D("2025-03-12"),
      arrival_date=D("2025-04-02"), stage1_paid_date=D("2025-05-15"),
      bank=("040813608", 608, 1234567), snils9="112233445", inn10="2721456789",
      notes="spouse is a Russian citizen (no IIN)",
      family=[M("spouse", "Ким", "Ольга", "Александровна", "F", "1985-11-05", True,
                citizenship="RU"),
              M("child", "Ким", "Данияр", "Владимирович", "M", "2013-08-19", True)],
      expenses=[X("travel", "", "2025-04-01", "48500", "receipt_air_1.pdf"),
                X("travel", "F1", "2025-04-01", "48500", "receipt_air_2.pdf"),
                X("travel", "F2", "2025-04-01", "24250.50", "receipt_air_3.pdf"),
                X("baggage", "", "2025-04-05", "96400.75", "receipt_baggage_1.pdf", "1200"),
                X("duty", "", "2025-06-10", "3500", "receipt_duty_1.pdf")]),
    A("A011", "ready*", "Arrived participant (Amur): stage 1 paid 2026-02-15, less than 18 "
      "months ago, so stage 2 is too early", "Нұрланов", "Ғалымжан", "Баһадүрұлы",
      "NURLANOV", "GALYMZHAN", "M", "1980-12-10", "г. Кызылорда", "Kyzylorda",
      "г. Кызылорда, ул. Желтоксан, д. 8, кв. 21", "Amur", "higher", "агроном", "fluent",
      "married", certificate_number="АМ 0078123", certificate_date=D("2025-11-20"),
      arrival_date=D("2026-01-10"), stage1_paid_date=D("2026-02-15"),
      bank=("041012612", 8636, 2045511), snils9="134872605", inn10="2801336214",
      findings="claim.stage2_too_early",
      notes="the only Һ of the batch is in the patronymic Баһадүрұлы",
      family=[M("spouse", "Нұрланова", "Ұлжан", "Серікқызы", "F", "1984-03-03", True)],
      expenses=[X("travel", "", "2026-01-08", "61200", "receipt_train_1.pdf"),
                X("travel", "F1", "2026-01-08", "61200", "receipt_train_2.pdf"),
                X("baggage", "", "2026-01-12", "54300.80", "receipt_baggage_1.pdf", "850")]),
    A("A012", "ready*", "Arrived participant (Tula): baggage of 5,400 kg, over the 5-tonne "
      "limit", "Бондаренко", "Сергей", "Николаевич", "BONDARENKO", "SERGEY", "M",
      "1970-06-21", "г. Темиртау", "Karaganda",
      "г. Караганда, ул. Ерубаева, д. 40, кв. 2", "Tula", "vocational", "машинист крана",
      "native", "married", certificate_number="ТЛ 0230017",
      certificate_date=D("2026-01-15"), arrival_date=D("2026-04-10"),
      stage1_paid_date=D("2026-05-20"), bank=("047003608", 8604, 310922),
      snils9="087654321", inn10="7107120455", findings="claim.baggage_over_limit",
      family=[M("spouse", "Бондаренко", "Галина", "Петровна", "F", "1972-09-14", True),
              M("parent", "Бондаренко", "Николай", "Тарасович", "M", "1946-02-01", True,
                True)],
      expenses=[X("travel", "", "2026-04-08", "12500.50", "receipt_train_1.pdf"),
                X("travel", "F1", "2026-04-08", "12500.50", "receipt_train_2.pdf"),
                X("travel", "F2", "2026-04-08", "12500.50", "receipt_train_3.pdf"),
                X("baggage", "", "2026-04-15", "187000", "receipt_baggage_1.pdf", "5400"),
                X("duty", "", "2026-05-05", "3500", "receipt_duty_1.pdf")]),
    A("A013", "ready*", "Arrived participant (Smolensk) whose certificate of 2023-05-10 is "
      "older than 3 years", "Хайруллина", "Гульнара", "Рашидовна", "KHAIRULLINA",
      "GULNARA", "F", "1975-03-17", "г. Семей", "Abai",
      "г. Семей, ул. Шакарима, д. 19, кв. 61", "Smolensk", "higher", "экономист",
      "native", "single", certificate_number="СМ 0009876",
      certificate_date=D("2023-05-10"), arrival_date=D("2023-08-01"),
      bank=("046614632", 8609, 77120), snils9="145203987", inn10="6732018840",
      findings="claim.certificate_expired",
      expenses=[X("travel", "", "2023-07-30", "23800", "receipt_train_1.pdf"),
                X("duty", "", "2023-10-02", "3500", "receipt_duty_1.pdf")]),
    # ---------------------------------------------------------------- refusal grounds
    A("A014", "refused", "Refusal: extremist activity (extremism=yes)", "Есенов", "Қайрат",
      "Маратұлы", "YESSENOV", "KAIRAT", "M", "1987-07-07", "г. Тараз", "Zhambyl",
      "г. Тараз, ул. Толе би, д. 93, кв. 14", "Irkutsk", "higher", "инженер-строитель",
      "fluent", "single", extremism=True, findings="refusal.extremism"),
    A("A015", "refused", "Refusal: under criminal prosecution", "Литвиненко", "Денис",
      "Игоревич", "LITVINENKO", "DENIS", "M", "1990-02-14", "г. Петропавловск",
      "North Kazakhstan", "г. Петропавловск, ул. Конституции, д. 31, кв. 88", "Voronezh",
      "vocational", "электрик", "native", "single", under_prosecution=True,
      employer_offer=False, findings="refusal.prosecution (+ warning.no_employer_offer)"),
    A("A016", "refused", "Refusal: convicted of a serious crime", "Фролов", "Алексей",
      "Михайлович", "FROLOV", "ALEKSEY", "M", "1978-11-30", "г. Кокшетау", "Akmola",
      "г. Кокшетау, ул. Ауэзова, д. 150, кв. 3", "Krasnoyarsk Krai", "vocational",
      "горнорабочий", "native", "married", serious_conviction=True,
      findings="refusal.serious_crime",
      family=[M("spouse", "Фролова", "Ирина", "Павловна", "F", "1980-04-21", True)]),
    A("A017", "refused", "Refusal: repeated migration violations (2)", "Ли", "Екатерина",
      "Вячеславовна", "LI", "YEKATERINA", "F", "1993-04-18", "г. Алматы", "Almaty",
      "г. Алматы, ул. Розыбакиева, д. 247, кв. 102", "Sakhalin", "higher", "логист",
      "native", "single", migration_violations=2, findings="refusal.migration_violations"),
    A("A018", "refused", "Refusal: moving for permanent residence to another state",
      "Беккер", "Иван", "Андреевич", "BEKKER", "IVAN", "M", "1984-01-09", "г. Аксу",
      "Pavlodar", "г. Аксу, ул. Камзина, д. 6, кв. 17", "Омская область", "higher",
      "агроном", "native", "single", other_state_residence=True, employer_offer=False,
      findings="refusal.other_state (+ warning.no_employer_offer)"),
    A("A019", "refused", "Refusal: deported from Russia on 2023-03-10 (within 5 years)",
      "Сафин", "Руслан", "Маратович", "SAFIN", "RUSLAN", "M", "1992-08-22", "г. Актау",
      "Mangistau", "г. Актау, мкр. 12, д. 5, кв. 44", "Stavropol", "vocational",
      "сварщик", "native", "single", deportation_date=D("2023-03-10"),
      findings="refusal.deportation_5y"),
    A("A020", "refused", "Refusal: 3 administrative offences in the past 12 months",
      "Тарасенко", "Виталий", "Олегович", "TARASENKO", "VITALIY", "M", "1986-12-05",
      "г. Уральск", "West Kazakhstan", "г. Уральск, пр. Достык, д. 200, кв. 9",
      "Novosibirsk", "vocational", "водитель", "native", "single", admin_offences_12m=3,
      findings="refusal.admin_offences", excel=True),
    A("A021", "refused", "Refusal: ID document expires 2027-03-01, under 6 months after the "
      "as-of date", "Сәрсенбаев", "Үмітбек", "Асқарұлы", "SARSENBAYEV", "UMITBEK", "M",
      "1975-09-01", "г. Туркестан", "Turkistan", "г. Туркестан, ул. Тауке хана, д. 11",
      "Tula", "higher", "ветеринарный врач", "fluent", "single",
      issue_date=D("2017-03-02"), expiry_date=D("2027-03-01"),
      findings="refusal.passport_validity"),
    A("A022", "refused", "Refusal: target region Moscow (not in the program)", "Морозова",
      "Татьяна", "Владимировна", "MOROZOVA", "TATYANA", "F", "1989-06-06", "г. Астана",
      "Astana", "г. Астана, пр. Кабанбай батыра, д. 11, кв. 305", "Moscow", "higher",
      "маркетолог", "native", "single", employer_offer=False, excel=True,
      findings="refusal.region_not_allowed (+ warning.no_employer_offer)"),
    A("A023", "refused", "Refusal: target region Санкт-Петербург (not in the program)",
      "Вайс", "Наталья", "Эдуардовна", "VAIS", "NATALYA", "F", "1994-10-10",
      "г. Жезказган", "Ulytau", "г. Жезказган, ул. Алашахана, д. 27, кв. 8",
      "Санкт-Петербург", "higher", "архитектор", "native", "single",
      findings="refusal.region_not_allowed"),
    A("A024", "refused", "Refusal: knowingly false information (caseworker flag)",
      "Омарова", "Айгерім", "Бауыржанқызы", "OMAROVA", "AIGERIM", "F", "1991-02-28",
      "г. Актобе", "Aktobe", "г. Актобе, пр. Абилкайыр хана, д. 62, кв. 19", "Smolensk",
      "higher", "юрист", "fluent", "single", false_information=True,
      findings="refusal.false_information"),
    # ---------------------------------------------------------------- eligibility
    A("A025", "refused", "Eligibility: applicant aged 17", "Ткаченко", "Полина",
      "Сергеевна", "TKACHENKO", "POLINA", "F", "2009-05-20", "г. Костанай", "Kostanay",
      "г. Костанай, ул. Гоголя, д. 80, кв. 6", "Kaliningrad Oblast", "secondary",
      "продавец-консультант", "native", "single", findings="eligibility.adult"),
    A("A026", "refused", "Eligibility: limited legal capacity", "Зайцев", "Павел",
      "Андреевич", "ZAITSEV", "PAVEL", "M", "1983-03-03", "г. Риддер", "East Kazakhstan",
      "г. Риддер, ул. Островского, д. 5, кв. 2", "Tula", "vocational", "токарь", "native",
      "single", legal_capacity="limited", findings="eligibility.legal_capacity"),
    A("A027", "refused", "Eligibility: no education", "Жақсылықов", "Ерлан", "Серікұлы",
      "ZHAKSYLYKOV", "YERLAN", "M", "1969-07-15", "п. Жосалы", "Kyzylorda",
      "п. Жосалы, ул. Бейбитшилик, д. 4", "Amur", "none", "разнорабочий", "fluent",
      "single", omit=["diploma"],
      findings="eligibility.education (+ docs.missing.diploma: no diploma exists)"),
    A("A028", "refused", "Eligibility: no Russian language", "Қасымова", "Гүлнар",
      "Әбілқызы", "KASSYMOVA", "GULNAR", "F", "1972-01-20", "г. Кентау", "Turkistan",
      "г. Кентау, ул. Ясауи, д. 21", "Омская область", "vocational", "швея", "none",
      "single", omit=["russian_language_certificate"],
      findings="eligibility.russian_language (+ docs.missing.russian_language_certificate)"),
    # ---------------------------------------------------------------- incomplete
    A("A029", "incomplete", "Missing diploma and photo (photo.jpg is a text file)",
      "Мельник", "Оксана", "Васильевна", "MELNIK", "OKSANA", "F", "1995-03-23",
      "г. Астана", "Astana", "г. Астана, ул. Сыганак, д. 14, кв. 71", "Voronezh", "higher",
      "медицинская сестра", "native", "single", omit=["diploma", "photo"],
      extra={"photo.jpg": NOT_A_JPEG}, excel=True,
      findings="docs.missing.diploma, docs.missing.photo (photo.jpg unreadable)"),
    A("A030", "incomplete", "Married, no marriage certificate (marriage_certificate.pdf is "
      "empty)", "Ермеков", "Нұрсұлтан", "Болатұлы", "YERMEKOV", "NURSULTAN", "M",
      "1986-04-04", "г. Шымкент", "Shymkent", "г. Шымкент, мкр. Нурсат, д. 9, кв. 27",
      "Kaliningrad Oblast", "higher", "экономист", "fluent", "married",
      omit=["marriage_certificate"], extra={"marriage_certificate.pdf": b""},
      findings="docs.missing.marriage_certificate (empty PDF unreadable)",
      family=[M("spouse", "Ермекова", "Дана", "Ерболқызы", "F", "1989-12-29", True)]),
    A("A031", "incomplete", "Child without a birth certificate", "Попова", "Марина",
      "Игоревна", "POPOVA", "MARINA", "F", "1988-08-08", "г. Павлодар", "Pavlodar",
      "г. Павлодар, ул. Естая, д. 99, кв. 14", "Novosibirsk", "higher", "фармацевт",
      "native", "divorced", omit=["birth_certificate-F1"], excel=True,
      findings="docs.missing.birth_certificate (member F1)",
      family=[M("child", "Попов", "Кирилл", "Денисович", "M", "2016-10-01", True)]),
    A("A032", "incomplete", "Divorced father moving with his son aged 16, without the "
      "mother's consent", "Гусев", "Михаил", "Юрьевич", "GUSEV", "MIKHAIL", "M",
      "1984-12-12", "г. Талдыкорган", "Zhetysu",
      "г. Талдыкорган, ул. Тауелсиздик, д. 58, кв. 30", "Khabarovsk", "vocational",
      "электромонтёр", "native", "divorced", omit=["parent_consent-F1"],
      findings="docs.missing.parent_consent (member F1)",
      notes="the other parent does not relocate, so the consent is needed on any reading",
      family=[M("child", "Гусев", "Егор", "Михайлович", "M", "2010-07-30", True)]),
    # ---------------------------------------------------------------- bad data
    A("A033", "invalid", "IIN whose check digit is wrong", "Соколов", "Игорь",
      "Дмитриевич", "SOKOLOV", "IGOR", "M", "1979-10-10", "г. Актобе", "Aktobe",
      "г. Актобе, ул. Маресьева, д. 7, кв. 55", "Voronezh", "higher", "геодезист",
      "native", "single", bad="iin_check", findings="data.iin_checksum"),
    A("A034", "invalid", "IIN of 11 digits", "Серікбаева", "Ләззат", "Нұрланқызы",
      "SERIKBAYEVA", "LAZZAT", "F", "1992-12-12", "г. Тараз", "Zhambyl",
      "г. Тараз, ул. Койгельды, д. 150, кв. 12", "Smolensk", "higher", "переводчик",
      "fluent", "single", bad="iin_short", findings="data.iin_checksum or data.format"),
    A("A035", "invalid", "Impossible birth date 1985-02-31 (IIN encodes 1985-02-13)",
      "Волкова", "Людмила", "Андреевна", "VOLKOVA", "LYUDMILA", "F", "1985-02-13",
      "г. Лисаковск", "Kostanay", "г. Лисаковск, мкр. 4, д. 10, кв. 91", "Tula",
      "vocational", "повар", "native", "single", bad="birth_date",
      raw={"birth_date": "1985-02-31"}, findings="data.format (birth_date)"),
    A("A036", "invalid", 'Sex "X"', "Нестеренко", "Юлия", "Олеговна", "NESTERENKO",
      "YULIYA", "F", "1990-09-09", "г. Петропавловск", "North Kazakhstan",
      "г. Петропавловск, ул. Интернациональная, д. 45, кв. 7", "Novosibirsk", "higher",
      "учитель", "native", "single", bad="sex", raw={"sex": "X"},
      findings="data.format (sex)"),
    A("A037", "invalid", "Arrived participant whose bank account fails the control key",
      "Шевченко", "Ирина", "Владимировна", "SHEVCHENKO", "IRINA", "F", "1986-05-30",
      "г. Хромтау", "Aktobe", "г. Актобе, ул. Бокенбай батыра, д. 129, кв. 40",
      "Voronezh", "higher", "инженер-технолог", "native", "single", bad="bank",
      certificate_number="ВР 0151762", certificate_date=D("2025-09-01"),
      arrival_date=D("2025-10-15"), stage1_paid_date=D("2025-11-10"),
      bank=("042007681", 9013, 4405), snils9="156001234", inn10="3666207731",
      findings="data.bank_account"),
    # ---------------------------------------------------------------- rejected row
    A("../../etc/x", "rejected", "applicant_id outside [A-Za-z0-9_-]{1,64} (path "
      "traversal): the row is rejected, other fields valid", "Фёдоров", "Николай",
      "Павлович", "FEDOROV", "NIKOLAY", "M", "1980-01-01", "г. Астана", "Astana",
      "г. Астана, ул. Кенесары, д. 40, кв. 11", "Tula", "higher", "инженер", "native",
      "single", findings="row rejected (errors)"),
]

# the rejected row sits in the middle of applicants.csv, not at the end
ROW_ORDER = ([a["applicant_id"] for a in APPLICANTS if a["applicant_id"] != "../../etc/x"])
ROW_ORDER.insert(ROW_ORDER.index("A025"), "../../etc/x")

ORPHAN_FAMILY = dict(applicant_id="A999", member_id="F1",
                     **M("spouse", "Ахметова", "Сауле", "Бекжанқызы", "F", "1983-05-19", True))

# --------------------------------------------------------------------------------------
# Required documents (domain.md "Required documents (application)")
# --------------------------------------------------------------------------------------
MILITARY_AGE = (18, 27)


def required_documents(a):
    """Codes (with -<member_id> for members) the tool should require. `application` is
    rendered by the tool itself and therefore never expected as a scan."""
    req = ["id_card", "photo", "diploma", "duty_receipt", "no_criminal_record"]
    if a["citizenship"] != "KZ":
        req.append("residence_card")
    if a["marital_status"] == "married":
        req.append("marriage_certificate")
    if a["marital_status"] == "divorced":
        req.append("divorce_certificate")
    if a["alimony_recipients"]:
        req.append("alimony_consent")
    if a["sex"] == "M" and MILITARY_AGE[0] <= age_on(a["birth_date"]) <= MILITARY_AGE[1]:
        req.append("military_deregistration")
    if a["employer_offer"]:
        req.append("employer_certificate")
    if a["russian_language"] != "native":
        req.append("russian_language_certificate")
    for m in a["family"]:
        if m["relation"] != "child":
            continue
        age = age_on(m["birth_date"])
        req.append(f"birth_certificate-{m['member_id']}")
        if m["relocating"] and age < 18:
            req.append(f"parent_consent-{m['member_id']}")
        if m["relocating"] and 14 <= age <= 17:
            req.append(f"child_opinion-{m['member_id']}")
    return req


# --------------------------------------------------------------------------------------
# Completing the records
# --------------------------------------------------------------------------------------
def complete():
    for i, a in enumerate(APPLICANTS):
        birth = a["birth_date"]
        for j, m in enumerate(a["family"], 1):
            m["member_id"] = f"F{j}"
            m["iin"] = make_iin(m["birth_date"], m["sex"]) if m["citizenship"] == "KZ" else ""
            m["legal_capacity"] = "full" if age_on(m["birth_date"]) >= 18 else ""
        a["iin"] = make_iin(birth, a["sex"]) if a["citizenship"] == "KZ" else ""
        if a.get("bad") == "iin_check":
            good = a["iin"]
            a["iin"] = good[:11] + str((int(good[11]) + 1) % 10)
        elif a.get("bad") == "iin_short":
            a["iin"] = a["iin"][:8] + a["iin"][9:]
        # ID document: 10 years, issued at 16 or later
        issue = a.get("issue_date") or dt.date(2019 + i % 6, 1 + (i * 5) % 12, 1 + (i * 3) % 28)
        earliest = add_years(birth, 16) + dt.timedelta(days=30)
        if issue < earliest:
            issue = earliest
        a["issue_date"] = issue
        a["expiry_date"] = a.get("expiry_date") or add_years(issue, 10) - dt.timedelta(days=1)
        n = (48123457 + i * 104729) % 100000000
        a["id_doc_number"] = {"id_card": f"0{n:08d}", "passport": f"N{n:08d}",
                              "residence_permit": f"{n + 100000000:09d}"}[a["id_doc_type"]]
        a["phone"] = (f"+7 {OPERATORS[i % len(OPERATORS)]} {(i * 7919) % 900 + 100:03d} "
                      f"{(i * 37) % 100:02d} {(i * 53 + 11) % 100:02d}")
        a["email"] = (f"{a['first_name_lat'].lower()}.{a['last_name_lat'].lower()}"
                      f"{birth.year % 100:02d}@{MAILS[i % len(MAILS)]}")
        if a["bank"]:
            bik, branch, num = a["bank"]
            a["bank_bik"], a["bank_account"] = bik, make_account(bik, branch, num)
            if a.get("bad") == "bank":
                acc = a["bank_account"]
                a["bank_account"] = acc[:8] + str((int(acc[8]) + 1) % 10) + acc[9:]
            a["snils"] = make_snils(a["snils9"])
            a["inn"] = make_inn(a["inn10"])
        else:
            a["bank_bik"] = a["bank_account"] = a["snils"] = a["inn"] = ""
        # documents
        req = required_documents(a)
        a["required"] = req
        for code in a["paper"]:
            assert code in req, (a["applicant_id"], code)
        for code in a["omit"]:
            assert code in req, (a["applicant_id"], code)
        a["scans"] = {}
        if a["status"] != "rejected":
            for code in req:
                if code in a["paper"] or code in a["omit"]:
                    continue
                base = code.split("-")[0]
                name = a["stems"].get(code) or f"{code}.{SCAN_EXT.get(base, 'pdf')}"
                a["scans"][name] = scan_bytes(name)
            for e in a["expenses"]:
                a["scans"][e["receipt"]] = scan_bytes(e["receipt"])
            for name, data in a["extra"].items():
                a["scans"][name] = data
        if a["status"] in ("ready", "ready*"):
            provided = set(a["paper"]) | {n.rsplit(".", 1)[0] for n in a["scans"]}
            provided |= {{"passport": "id_card", "foto": "photo"}.get(s, s) for s in provided}
            missing = [c for c in req if c not in provided]
            assert not missing, (a["applicant_id"], missing)


# --------------------------------------------------------------------------------------
# Serialisation: canonical batch (UTF-8, `,`, LF, ISO dates, yes/no)
# --------------------------------------------------------------------------------------
def canon_value(col, v):
    if v is None:
        return ""
    if col in BOOL_COLUMNS:
        return "yes" if v else "no"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def applicant_row(a):
    vals = dict(a)
    vals["id_doc_issue_date"] = a["issue_date"]
    vals["id_doc_expiry_date"] = a["expiry_date"]
    vals["documents"] = ";".join(a["paper"])
    return vals


def write_csv(path, header, rows, *, delimiter, lineterminator, encoding):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator,
                   quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    text = buf.getvalue()
    if encoding == "cp1251":
        for lineno, row in enumerate([header] + rows, 1):
            for col, v in zip(header, row):
                try:
                    v.encode("cp1251")
                except UnicodeEncodeError as e:
                    sys.exit(f"generate.py: {os.path.basename(path)} record {lineno} column "
                             f"{col!r}: {v[e.start:e.end]!r} cannot be encoded in cp1251: {v!r}")
    data = text.encode(encoding)  # strict
    with open(path, "wb") as f:
        f.write(data)


def write_documents(root, applicants):
    for a in applicants:
        if not a["scans"]:
            continue
        d = os.path.join(root, a["applicant_id"])
        os.makedirs(d, exist_ok=True)
        for name in sorted(a["scans"]):
            with open(os.path.join(d, name), "wb") as f:
                f.write(a["scans"][name])


def ordered():
    by_id = {a["applicant_id"]: a for a in APPLICANTS}
    return [by_id[i] for i in ROW_ORDER]


def write_batch(root):
    rows = []
    for a in ordered():
        vals = applicant_row(a)
        row = [canon_value(c, vals.get(c)) for c in APPLICANT_COLUMNS]
        for c, raw in a["raw"].items():
            row[APPLICANT_COLUMNS.index(c)] = raw
        rows.append(row)
    write_csv(os.path.join(root, "applicants.csv"), APPLICANT_COLUMNS, rows,
              delimiter=",", lineterminator="\n", encoding="utf-8")
    fam = []
    for a in ordered():
        for m in a["family"]:
            fam.append([canon_value(c, {**m, "applicant_id": a["applicant_id"]}.get(c))
                        for c in FAMILY_COLUMNS])
        if a["applicant_id"] == "A004":  # the orphan row sits between real families
            fam.append([canon_value(c, ORPHAN_FAMILY.get(c)) for c in FAMILY_COLUMNS])
    write_csv(os.path.join(root, "family.csv"), FAMILY_COLUMNS, fam,
              delimiter=",", lineterminator="\n", encoding="utf-8")
    exp = []
    for a in ordered():
        for e in a["expenses"]:
            exp.append([canon_value(c, {**e, "applicant_id": a["applicant_id"]}.get(c))
                        for c in EXPENSE_COLUMNS])
    write_csv(os.path.join(root, "expenses.csv"), EXPENSE_COLUMNS, exp,
              delimiter=",", lineterminator="\n", encoding="utf-8")
    write_documents(os.path.join(root, "documents"), ordered())


# --------------------------------------------------------------------------------------
# Serialisation: Excel, Russian locale (cp1251, `;`, CRLF, DD.MM.YYYY, Russian words)
# --------------------------------------------------------------------------------------
RU_HEADERS = {
    "applicant_id": "ID заявителя", "member_id": "ID члена семьи",
    "relation": "Степень родства", "last_name": "Фамилия", "first_name": "Имя",
    "patronymic": "Отчество", "last_name_lat": "Фамилия (лат.)",
    "first_name_lat": "Имя (лат.)", "sex": "Пол", "birth_date": "Дата рождения",
    "birth_place": "Место рождения", "citizenship": "Гражданство", "iin": "ИИН",
    "id_doc_type": "Вид документа", "id_doc_number": "Номер документа",
    "id_doc_issued_by": "Кем выдан", "id_doc_issue_date": "Дата выдачи",
    "id_doc_expiry_date": "Срок действия", "kz_region": "Область проживания",
    "address": "Адрес", "phone": "Телефон", "email": "Эл. почта",
    "education": "Образование", "profession": "Профессия",
    "russian_language": "Владение русским языком", "legal_capacity": "Дееспособность",
    "marital_status": "Семейное положение", "target_region": "Регион вселения",
    "employer_offer": "Предложение работодателя",
    "military_deregistered": "Снят с воинского учёта",
    "alimony_recipients": "Получатели алиментов", "extremism": "Экстремизм",
    "under_prosecution": "Уголовное преследование",
    "serious_conviction": "Судимость за тяжкое преступление",
    "other_state_residence": "Выезд в другое государство",
    "false_information": "Ложные сведения", "deportation_date": "Дата депортации",
    "admin_offences_12m": "Админ. правонарушения за 12 мес.",
    "migration_violations": "Нарушения миграционного законодательства",
    "documents": "Документы", "certificate_number": "Номер свидетельства",
    "certificate_date": "Дата свидетельства", "arrival_date": "Дата прибытия",
    "stage1_paid_date": "Дата выплаты 1 этапа", "bank_bik": "БИК",
    "bank_account": "Номер счёта", "snils": "СНИЛС", "inn": "ИНН",
    "relocating": "Переезжает", "pensioner": "Пенсионер", "kind": "Вид расхода",
    "date": "Дата", "amount_rub": "Сумма", "weight_kg": "Вес, кг", "receipt": "Квитанция",
}
RU_VALUES = {
    "citizenship": {"KZ": "Казахстан", "RU": "Россия", "stateless": "без гражданства"},
    "id_doc_type": {"id_card": "удостоверение личности", "passport": "паспорт",
                    "residence_permit": "вид на жительство"},
    "education": {"none": "нет", "secondary": "среднее", "vocational": "среднее специальное",
                  "higher": "высшее", "postgraduate": "послевузовское"},
    "russian_language": {"native": "родной", "fluent": "свободно", "basic": "базовый",
                         "none": "нет"},
    "legal_capacity": {"full": "полная", "limited": "ограниченная"},
    "kind": {"travel": "проезд", "baggage": "багаж", "duty": "пошлина"},
}
RU_BY_SEX = {  # (value, sex) -> Russian word
    "marital_status": {("single", "M"): "холост", ("single", "F"): "не замужем",
                       ("married", "M"): "женат", ("married", "F"): "замужем",
                       ("divorced", "M"): "разведен", ("divorced", "F"): "разведена",
                       ("widowed", "M"): "вдовец", ("widowed", "F"): "вдова"},
    "relation": {("spouse", "M"): "супруг", ("spouse", "F"): "супруга",
                 ("child", "M"): "сын", ("child", "F"): "дочь",
                 ("parent", "M"): "отец", ("parent", "F"): "мать",
                 ("sibling", "M"): "брат", ("sibling", "F"): "сестра",
                 ("grandchild", "M"): "внук", ("grandchild", "F"): "внучка",
                 ("grandparent", "M"): "дедушка", ("grandparent", "F"): "бабушка"},
}
RU_TARGET = {"Primorsky Krai": "Приморский край", "Kaliningrad Oblast":
             "Калининградская область", "Stavropol": "Ставропольский край",
             "Khabarovsk": "Хабаровский край", "Novosibirsk": "Новосибирская область",
             "Moscow": "Москва", "Voronezh": "Воронежская область"}
# cp1251 has no Kazakh-specific letters: Excel files carry the Russian-letter spelling
KAZ_TO_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def check_schema_aliases():
    """Fail loudly if a Russian header or value used below is not declared in fields.toml."""
    path = os.path.join(SCHEMAS, "fields.toml")
    with open(path, "rb") as f:
        schema = tomllib.load(f)

    def norm(s):
        return " ".join(s.replace("_", " ").replace("-", " ").replace("ё", "е")
                        .casefold().split())

    for col, ru in RU_HEADERS.items():
        aliases = schema["columns"].get(col, [])
        assert aliases and norm(aliases[0]) == norm(ru), (
            f"fields.toml: first alias of {col} is {aliases[:1]}, samples use {ru!r}")
    vals = schema["values"]

    def has(group, canon, word):
        assert norm(word) in {norm(x) for x in vals[group][canon]}, (group, canon, word)

    for group, table in RU_VALUES.items():
        for canon, word in table.items():
            has(group, canon, word)
    for group, table in RU_BY_SEX.items():
        for (canon, _), word in table.items():
            has(group, canon, word)
    has("sex", "M", "М")
    has("sex", "F", "Ж")
    has("bool", "yes", "да")
    has("bool", "no", "нет")


def ru_value(col, v, sex=None):
    if v is None or v == "":
        return ""
    if col in BOOL_COLUMNS:
        return "да" if v else "нет"
    if isinstance(v, dt.date):
        return f"{v:%d.%m.%Y}"
    if col == "sex":
        return {"M": "М", "F": "Ж"}.get(v, v)
    if col in RU_VALUES:
        return RU_VALUES[col][v]
    if col in RU_BY_SEX:
        return RU_BY_SEX[col][(v, sex)]
    if col == "target_region":
        return RU_TARGET.get(v, v)
    if col in ("amount_rub", "weight_kg"):
        return str(v).replace(".", ",")
    return str(v).translate(KAZ_TO_RU)


def write_excel_ru(root):
    people = [a for a in ordered() if a["excel"]]
    rows = []
    for a in people:
        vals = applicant_row(a)
        rows.append([ru_value(c, vals.get(c), a["sex"]) for c in APPLICANT_COLUMNS])
    write_csv(os.path.join(root, "applicants.csv"), [RU_HEADERS[c] for c in APPLICANT_COLUMNS],
              rows, delimiter=";", lineterminator="\r\n", encoding="cp1251")
    fam = []
    for a in people:
        for m in a["family"]:
            v = {**m, "applicant_id": a["applicant_id"]}
            fam.append([ru_value(c, v.get(c), m["sex"]) for c in FAMILY_COLUMNS])
    write_csv(os.path.join(root, "family.csv"), [RU_HEADERS[c] for c in FAMILY_COLUMNS], fam,
              delimiter=";", lineterminator="\r\n", encoding="cp1251")
    exp = []
    for a in people:
        for e in a["expenses"]:
            v = {**e, "applicant_id": a["applicant_id"]}
            exp.append([ru_value(c, v.get(c)) for c in EXPENSE_COLUMNS])
    write_csv(os.path.join(root, "expenses.csv"), [RU_HEADERS[c] for c in EXPENSE_COLUMNS],
              exp, delimiter=";", lineterminator="\r\n", encoding="cp1251")
    write_documents(os.path.join(root, "documents"), people)
    return people


# --------------------------------------------------------------------------------------
# Self-checks and README
# --------------------------------------------------------------------------------------
def self_check():
    ids = [a["applicant_id"] for a in APPLICANTS]
    assert len(ids) == len(set(ids))
    all_iins = []
    for a in APPLICANTS:
        bad = a.get("bad")
        aid = a["applicant_id"]
        if a["citizenship"] == "KZ":
            ok = iin_valid(a["iin"])
            assert ok == (bad not in ("iin_check", "iin_short")), aid
            if ok:
                assert iin_matches(a["iin"], a["birth_date"], a["sex"]), aid
            all_iins.append(a["iin"])
        for m in a["family"]:
            if m["citizenship"] == "KZ":
                assert iin_valid(m["iin"]) and iin_matches(m["iin"], m["birth_date"], m["sex"])
                all_iins.append(m["iin"])
        if a["bank_bik"]:
            assert bank_key_ok(a["bank_bik"], a["bank_account"]) == (bad != "bank"), aid
            assert snils_valid(a["snils"]) and inn_valid(a["inn"]), aid
        assert a["expiry_date"] >= D("2028-06-01") or aid == "A021", aid
        if a["status"] != "rejected":
            assert a["applicant_id"][0] == "A"
    all_iins.append(ORPHAN_FAMILY["iin"])
    assert len(all_iins) == len(set(all_iins)), "duplicate IIN"
    by = {a["applicant_id"]: a for a in APPLICANTS}
    f = {m["member_id"]: m for m in by["A001"]["family"]}
    assert age_on(f["F2"]["birth_date"]) == 15 and age_on(f["F3"]["birth_date"]) == 8
    assert age_on(by["A005"]["birth_date"]) == 22
    assert age_on(by["A025"]["birth_date"]) == 17
    assert all(age_on(a["birth_date"]) >= 18 for a in APPLICANTS if a["applicant_id"] != "A025")
    assert (AS_OF - by["A019"]["deportation_date"]).days < 5 * 365
    assert add_years(by["A009"]["deportation_date"], 5) < AS_OF
    assert add_years(by["A013"]["certificate_date"], 3) < AS_OF
    assert add_years(by["A011"]["stage1_paid_date"], 1) + dt.timedelta(days=183) > AS_OF
    assert by["A010"]["stage1_paid_date"] == D("2025-05-15")  # + 18 months = 2026-11-15
    assert by["A021"]["expiry_date"] < add_years(AS_OF, 1).replace(month=5, day=24)


def readme(excel_people):
    def table(rows):
        out = ["| applicant_id | expected status | scenario | expected findings / notes |",
               "|---|---|---|---|"]
        for a in rows:
            note = "; ".join(x for x in (a["findings"], a["notes"]) if x)
            note = note.replace("|", "\\|").replace("\n", " ")
            out.append(f"| `{a['applicant_id']}` | {a['status']} | {a['scenario']} | "
                       f"{note or '—'} |")
        return "\n".join(out)

    all_rows = ordered()
    counts = {}
    for a in all_rows:
        counts[a["status"]] = counts.get(a["status"], 0) + 1
    return f"""# Sample batches

Generated by `python3 samples/generate.py` (Python 3.11+, standard library only,
deterministic: two runs write byte-identical files; it rewrites `samples/batch/`,
`samples/excel-ru/` and this README). Run the tool on them with `--as-of 2026-11-24`:

    resettle validate samples/batch --as-of 2026-11-24
    resettle validate samples/excel-ru --as-of 2026-11-24

Expected status follows design.md: the most severe finding wins (refusal > error >
missing > warning); `ready` may carry warnings (e.g. `warning.profession_not_in_demand`,
which depends on the partial in-demand lists of `schemas/regions.toml`). `ready*` means
the applicant's only expected finding is a `claim.*` rule whose severity domain.md does not
fix: ready if it is a warning, invalid if it is an error. `rejected` rows are not
applicants: they appear in `errors` of report.json. The `application` document is
rendered by the tool and is never provided as a scan.

## `batch/` — canonical format

UTF-8 without BOM, `,`, LF, dates `YYYY-MM-DD`, booleans `yes`/`no`, English header names
and values. `applicants.csv` ({len(all_rows)} rows: {", ".join(f"{v} {k}" for k, v in sorted(counts.items()))}),
`family.csv` (one orphan row for `A999`, which does not exist: `data.orphan`),
`expenses.csv` (A010–A013: travel per relocating member, baggage, duty; receipts exist in
`documents/<applicant_id>/`), `documents/<applicant_id>/` with tiny real PDF, PNG and
JPEG scans named `<code>.<ext>` or `<code>-<member_id>.<ext>`.

Checksums: every IIN is valid and agrees with birth date and sex (also for family
members), every bank account passes the BIK control key, every SNILS and INN is valid —
except the deliberately broken A033 (check digit), A034 (11 digits) and A037 (bank key).
A035's IIN encodes 1985-02-13 (the real date behind the typo 1985-02-31); A036's IIN
encodes female. Hostile text that must print literally: A005 address
`ул. Абая 10, кв. #panic()`, A007 profession `<b>bold</b> "quoted" \\\\backslash`
(two backslashes), A008 profession ending in `*]$\\`; A002's address contains a newline
(so physical line numbers and record numbers differ from that row on) and A003's address
an embedded comma and double quotes.

{table(all_rows)}
| `A999` (family.csv) | error | family row of an applicant that does not exist | data.orphan |

## `excel-ru/` — as Excel in a Russian locale saves it

Windows-1251, `;`, CRLF, Russian headers (the first alias of each column in
`schemas/fields.toml`), dates `DD.MM.YYYY`, booleans `да`/`нет`, sex `М`/`Ж`, Russian
enumeration values (`высшее`, `замужем`, `сын`, `супруга`, `проезд`...), Russian target
region names, amounts with a decimal comma (`24250,50`). cp1251 has no Kazakh-specific
letters, so names are spelled with Russian letters as real cp1251 files do (Әлихан →
Алихан, Іңкәр → Инкар, Ерғали → Ергали); the generator stops if a value cannot be
encoded. A001's `documents` cell contains `;` and is quoted; A002's address keeps its
embedded line break (LF inside a quoted cell, as Excel writes it).

{table(excel_people)}
"""


def main():
    check_schema_aliases()
    complete()
    ORPHAN_FAMILY["iin"] = make_iin(ORPHAN_FAMILY["birth_date"], ORPHAN_FAMILY["sex"])
    ORPHAN_FAMILY["legal_capacity"] = "full"
    self_check()
    for sub in ("batch", "excel-ru"):
        target = os.path.join(HERE, sub)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.makedirs(os.path.join(target, "documents"))
    write_batch(os.path.join(HERE, "batch"))
    excel_people = write_excel_ru(os.path.join(HERE, "excel-ru"))
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme(excel_people))
    size = 0
    nfiles = 0
    for dirpath, _, files in os.walk(HERE):
        for n in files:
            if "documents" in dirpath:
                size += os.path.getsize(os.path.join(dirpath, n))
                nfiles += 1
    print(f"{len(APPLICANTS)} applicant rows ({len(excel_people)} in excel-ru), "
          f"{nfiles} document files, {size} bytes of documents")


if __name__ == "__main__":
    main()
