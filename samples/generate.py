#!/usr/bin/env python3
# -*- coding: utf-8 -*-
r"""Generate the bundled sample batches of `resettle` (input contract v2, domain.md edition 2).

    python3 samples/generate.py

Python 3.11+ standard library only, no randomness: two runs write byte-identical files.
The script deletes and rewrites exactly two folders, samples/batch/ and
samples/excel-ru/, and rewrites samples/README.md. The reference "today" of the
samples is 2026-11-24 (run the tool with `--as-of 2026-11-24`).

Every identifier is computed here and checked by the same functions the tool must
implement (domain.md "Identifier checks"): IIN check digit + birth date + sex, bank
account control key with the BIK, SNILS and personal INN checksums. Only the
deliberately broken values (A033 IIN check digit, A034 11-digit IIN, A037 bank key)
fail.

Each applicant below carries its scenario, its expected status and the findings the
rules of domain.md edition 2 give it. The findings that follow mechanically from the
record (missing documents, the warnings warning.no_employer_offer, warning.id_card_only,
warning.military_registration, warning.under_prosecution,
warning.profession_not_in_demand, warning.region_unconfirmed, warning.pensioner_assumed,
eligibility.education) are computed by this script from the same rules, so that the
README table cannot drift from the data; the scenario-specific ones (refusal grounds,
data errors, claims) are written by hand. The script then checks that the status it
was told equals the most severe of those findings (refusal > error > missing >
warning; a family member's ground counts as an error: the application is invalid, not
refused). samples/README.md holds the table.

samples/excel-ru/ holds 16 of the same people as Excel in a Russian locale saves a CSV:
Windows-1251, `;`, CRLF, Russian headers and values, DD.MM.YYYY, decimal commas, Kazakh
letters replaced by Russian ones (cp1251 has no ә ғ қ ң ө ұ ү һ і), some scans named in
Russian, and the two columns retired by edition 2 (admin_offences_12m,
migration_violations) kept in its applicants.csv under their Russian headers, so that
the batch shows the data.column_retired warning.
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


def scan_bytes(name, code):
    """A tiny real scan for file `name` holding document `code` (`code` labels the PDF
    when the file name is not ASCII: the PDF's built-in font is Latin-1)."""
    stem, ext = name.rsplit(".", 1)
    if ext == "pdf":
        return pdf_bytes(f"SAMPLE SCAN {stem if stem.isascii() else code}")
    if ext == "png":
        return png_bytes(sum(map(ord, stem)))
    if ext == "jpg":
        return JPEG_PHOTO if code.split("-")[0] == "photo" else JPEG_PAGE
    raise ValueError(name)


# --------------------------------------------------------------------------------------
# The people
# --------------------------------------------------------------------------------------
OPERATORS = ["701", "705", "707", "747", "771", "775", "777", "700"]
MAILS = ["mail.kz", "gmail.com", "inbox.kz", "mail.ru", "yandex.kz"]

# Column order of applicants.csv. birth_date stays column 8 (the tests point at it).
APPLICANT_COLUMNS = [
    "applicant_id", "last_name", "first_name", "patronymic", "last_name_lat",
    "first_name_lat", "sex", "birth_date", "birth_place", "citizenship",
    "former_citizenship", "iin", "previous_names", "id_doc_type", "id_doc_number",
    "id_doc_issued_by", "id_doc_issue_date", "id_doc_expiry_date", "kz_region", "address",
    "phone", "email", "education", "profession", "russian_language", "legal_capacity",
    "marital_status", "target_region", "repatriate", "filing_date", "employer_offer",
    "military_deregistered", "alimony_recipients", "extremism", "serious_conviction",
    "other_state_residence", "entry_ban", "migration_offences_12m", "deportation_date",
    "under_prosecution", "false_information", "regional_requirements_unmet", "documents",
    "certificate_number", "certificate_date", "arrival_date", "stage1_paid_date",
    "bank_bik", "bank_account", "snils", "inn",
]
# The columns edition 2 retired: only in excel-ru/applicants.csv (data.column_retired).
RETIRED_COLUMNS = ["admin_offences_12m", "migration_violations"]
EXCEL_APPLICANT_COLUMNS = (
    APPLICANT_COLUMNS[:APPLICANT_COLUMNS.index("migration_offences_12m") + 1]
    + RETIRED_COLUMNS
    + APPLICANT_COLUMNS[APPLICANT_COLUMNS.index("migration_offences_12m") + 1:])
FAMILY_COLUMNS = [
    "applicant_id", "member_id", "relation", "last_name", "first_name", "patronymic", "sex",
    "birth_date", "citizenship", "iin", "marital_status", "previous_names", "id_doc_type",
    "id_doc_number", "id_doc_expiry_date", "relocating", "parents_relocating", "pensioner",
    "legal_capacity", "extremism", "serious_conviction", "other_state_residence",
    "deportation_date", "migration_offences_12m", "entry_ban",
]
EXPENSE_COLUMNS = ["applicant_id", "member_id", "kind", "date", "amount_rub", "weight_kg",
                   "fare_class", "receipt"]
BOOL_COLUMNS = {"employer_offer", "military_deregistered", "alimony_recipients", "extremism",
                "under_prosecution", "serious_conviction", "other_state_residence",
                "false_information", "relocating", "pensioner", "entry_ban",
                "regional_requirements_unmet", "repatriate", "parents_relocating"}
MEMBER_GROUNDS = ["extremism", "serious_conviction", "other_state_residence",
                  "deportation_date", "migration_offences_12m", "entry_ban"]


def M(relation, last, first, patr, sex, birth, relocating, *, pensioner=False,
      citizenship="KZ", marital=None, prev="", legal=None, parents=None, expiry=None,
      doc_type="passport", grounds=None):
    """A family member. marital None: `married` for the spouse, `single` for an adult
    child, blank otherwise. pensioner None: a blank cell. parents: parents_relocating
    (minors only). expiry: the ID document's expiry date (default: far enough).
    grounds: ground cells that differ from the answers "no"/0 of a relocating adult."""
    return dict(relation=relation, last_name=last, first_name=first, patronymic=patr,
                sex=sex, birth_date=D(birth), citizenship=citizenship,
                relocating=relocating, pensioner=pensioner, marital_status=marital,
                previous_names=prev, legal_capacity=legal, parents_relocating=parents,
                expiry=D(expiry) if expiry else None, doc_type=doc_type,
                grounds=grounds or {})


def A(aid, status, scenario, last, first, patr, last_lat, first_lat, sex, birth,
      birth_place, kz_region, address, target, education, profession, lang, marital,
      **kw):
    a = dict(applicant_id=aid, status=status, scenario=scenario, last_name=last,
             first_name=first, patronymic=patr, last_name_lat=last_lat,
             first_name_lat=first_lat, sex=sex, birth_date=D(birth),
             birth_place=birth_place, kz_region=kz_region, address=address,
             target_region=target, education=education, profession=profession,
             russian_language=lang, marital_status=marital)
    a.update(citizenship="KZ", former_citizenship="", id_doc_type="passport",
             id_doc_issued_by="МВД РК", legal_capacity="full", employer_offer=True,
             alimony_recipients=False, repatriate=False, filing_date=None,
             previous_names="", extremism=False, under_prosecution=False,
             serious_conviction=False, other_state_residence=False, entry_ban=False,
             migration_offences_12m=0, false_information=False,
             regional_requirements_unmet=False, deportation_date=None,
             admin_offences_12m=0, migration_violations=0, paper=[], omit=[], extra={},
             family=[], expenses=[], findings=[], notes="", notes_batch="", notes_ru="",
             excel=False,
             stems={}, stems_ru={}, certificate_number="", certificate_date=None,
             arrival_date=None, stage1_paid_date=None, bank=None, snils9=None,
             inn10=None, raw={})
    a["military_deregistered"] = sex == "M"
    a.update(kw)
    return a


def X(kind, member, date, amount, receipt, weight=None, fare=None):
    return dict(kind=kind, member_id=member, date=D(date), amount_rub=amount,
                weight_kg=weight, fare_class=fare, receipt=receipt)


APPLICANTS = [
    # ---------------------------------------------------------------- ready
    A("A001", "ready", "Family of 4 to a priority settlement territory (Primorsky Krai): "
      "spouse with a previous surname, child aged 15, child aged 8, both parents "
      "relocating (parents_relocating yes: no parent consent)",
      "Кузнецов", "Андрей", "Викторович", "KUZNETSOV", "ANDREY", "M", "1985-04-12",
      "г. Усть-Каменогорск", "East Kazakhstan",
      "г. Усть-Каменогорск, пр. Независимости, д. 21, кв. 48", "Primorsky Krai",
      "higher", "инженер-электрик", "native", "married",
      paper=["no_criminal_record", "birth_certificate-F2"], excel=True,
      stems_ru={"marriage_certificate": "Свидетельство о браке.pdf",
                "diploma": "диплом.pdf",
                "birth_certificate-F3": "свидетельство_о_рождении-F3.jpg"},
      notes="no_criminal_record and birth_certificate-F2 handed in on paper (documents "
      "column); F1 has a previous surname (name_change-F1); F2 (15) needs child_opinion-F2 "
      "and id_card-F2 is not needed (under 16); lifting: priority territory",
      notes_ru="scans named in Russian: «Свидетельство о браке.pdf» (with spaces), "
      "диплом.pdf, свидетельство_о_рождении-F3.jpg (a member's scan with a Russian stem)",
      family=[M("spouse", "Кузнецова", "Елена", "Сергеевна", "F", "1987-09-30", True,
                prev="Орлова, смена фамилии при заключении брака, 14.08.2010"),
              M("child", "Кузнецов", "Максим", "Андреевич", "M", "2011-06-03", True,
                parents=True),
              M("child", "Кузнецова", "Дарья", "Андреевна", "F", "2018-02-11", True,
                parents=True)]),
    A("A002", "ready", "Ordinary participating region (Kaliningrad Oblast), applicant with a "
      "maiden name, a non-relocating pensioner father and mother-in-law, a relocating "
      "grandmother (widowed pensioner); multi-line address",
      "Шмидт", "Анна", "Викторовна", "SHMIDT", "ANNA", "F", "1991-07-08",
      "г. Рудный", "Kostanay", "г. Костанай,\nул. Байтурсынова, д. 45, кв. 12",
      "Kaliningrad Oblast", "higher", "бухгалтер", "native", "married",
      previous_names="Миллер, смена фамилии при заключении брака, 21.06.2014",
      paper=["marriage_certificate"], excel=True,
      notes="address contains a newline; marriage_certificate on paper; name_change "
      "(previous_names); non-relocating members need no documents; lifting: other "
      "region, participant + 2 relocating members",
      family=[M("spouse", "Шмидт", "Роман", "Андреевич", "M", "1989-01-17", True),
              M("parent", "Миллер", "Виктор", "Генрихович", "M", "1958-03-25", False,
                pensioner=True, marital="married"),
              M("grandparent", "Миллер", "Эльза", "Фридриховна", "F", "1939-11-02", True,
                pensioner=True, marital="widowed"),
              M("spouse_parent", "Шмидт", "Людмила", "Петровна", "F", "1962-05-14", False,
                pensioner=True, marital="married")]),
    A("A003", "ready", "Single stateless applicant, former citizen of Uzbekistan and "
      "Kazakhstan (former_citizenship `UZ;KZ`): exempt from the Russian-language proof",
      "Пак", "Светлана", "Николаевна", "PAK", "SVETLANA", "F", "1979-12-01",
      "г. Караганда", "Karaganda", 'г. Караганда, мкр. "Степной-3", д. 12, кв. 40',
      "Novosibirsk", "vocational", "медицинская сестра", "native", "single",
      citizenship="stateless", former_citizenship="UZ;KZ", id_doc_type="residence_permit",
      notes="address with an embedded comma and double quotes; iin empty (not a KZ "
      "citizen); residence_card required; no russian_language_proof (former KZ citizen)"),
    A("A004", "ready", "Divorced man paying alimony (divorce certificate, alimony consent), "
      "identified by his Kazakh ID card; his child stays in Kazakhstan",
      "Коваленко", "Олег", "Петрович", "KOVALENKO", "OLEG", "M", "1988-10-19",
      "г. Экибастуз", "Pavlodar", "г. Павлодар, ул. Торайгырова, д. 64, кв. 9",
      "Калужская область", "vocational", "электрогазосварщик", "native", "divorced",
      alimony_recipients=True, id_doc_type="id_card",
      notes="non-relocating child: no document of his is required",
      family=[M("child", "Коваленко", "Артём", "Олегович", "M", "2014-05-06", False)]),
    A("A005", "ready", "Young man aged 22 (military deregistration), KZ citizen speaking "
      "Russian fluently: no language proof needed (edition 1 asked for a certificate)",
      "Сейтқали", "Әлихан", "Ерланұлы", "SEITKALI", "ALIKHAN",
      "M", "2004-03-15", "г. Шымкент", "Shymkent", "ул. Абая 10, кв. #panic()",
      "Омская область", "vocational", "автомеханик", "fluent", "single", excel=True,
      notes="hostile address `ул. Абая 10, кв. #panic()`"),
    A("A006", "ready", "KZ citizen without language proof: Kazakh teacher, Russian fluent, "
      "married, spouse and her 12-year-old stepson (spouse_child) relocating; the "
      "stepson's mother stays, so her consent is needed",
      "Жұмабаева", "Іңкәр", "Төлегенқызы", "ZHUMABAYEVA", "INKAR", "F", "1990-01-25",
      "с. Қарабұлақ, Алматинская обл.", "Almaty", "г. Алматы, мкр. Самал-2, д. 58, кв. 7",
      "Stavropol", "higher", "учитель начальных классов", "fluent", "married", excel=True,
      stems={"id_card": "passport.pdf", "photo": "foto.jpg"},
      stems_ru={"id_card": "паспорт.pdf", "photo": "фото.jpg",
                "birth_certificate": "свидетельство_о_рождении.pdf"},
      notes="parent_consent-F2 for the stepson",
      notes_batch="scans use the alternative stems passport.pdf and foto.jpg of "
      "documents.toml",
      notes_ru="scans named in Russian: паспорт.pdf, фото.jpg, свидетельство_о_рождении.pdf",
      family=[M("spouse", "Жұмабаев", "Ерғали", "Қайратұлы", "M", "1988-06-14", True),
              M("spouse_child", "Жұмабаев", "Арман", "Ерғалиұлы", "M", "2014-09-09", True,
                parents=False)]),
    A("A007", "ready", "Widower with an adult relocating daughter who is divorced (her own "
      "divorce certificate); target region given as subject code 39 (Kaliningrad)",
      "Гарипов", "Ринат", "Ильдарович", "GARIPOV", "RINAT",
      "M", "1976-08-09", "г. Атырау", "Atyrau", "г. Атырау, ул. Сатпаева, д. 3, кв. 15",
      "39", "higher", '<b>bold</b> "quoted" \\\\backslash', "native", "widowed",
      notes='hostile profession `<b>bold</b> "quoted" \\\\backslash`; '
      "divorce_certificate-F1, id_card-F1, birth_certificate-F1",
      family=[M("child", "Гарипова", "Алсу", "Ринатовна", "F", "2001-04-02", True,
                marital="divorced")]),
    A("A008", "ready", "Near miss: 1 migration-law penalty in 12 months (2 refuse); target "
      "Irkutsk Oblast, an ordinary region since Decree 354 (lifting 20,000 RUB, not 240,000)",
      "Цой", "Артур", "Геннадьевич", "TSOY", "ARTUR", "M", "1987-05-05",
      "г. Талгар", "Almaty Region", "г. Талгар, ул. Кунаева, д. 77", "Irkutsk Oblast",
      "higher", "инженер-программист *]$\\", "native", "single", migration_offences_12m=1,
      notes="profession contains `*]$\\`; allowance territory `other`: lifting_total 20,000"),
    A("A009", "ready", "Near miss: deported 2021-11-23, 5 years and 1 day before the filing "
      "date (blank: the as-of date 2026-11-24)",
      "Шульц", "Александр", "", "SHULTS", "ALEKSANDR", "M", "1981-09-12",
      "г. Темиртау", "Karaganda", "г. Темиртау, пр. Металлургов, д. 14, кв. 33",
      "Smolensk", "vocational", "слесарь-ремонтник", "native", "single",
      deportation_date=D("2021-11-23"), notes="empty patronymic"),
    A("A010", "ready", "Arrived participant (Khabarovsk, priority territory): certificate, "
      "arrival 2025-04-02, stage 1 paid 2025-05-15 (stage 2 due from 2026-11-15), air "
      "economy travel, baggage and duty expenses; spouse is a Russian citizen",
      "Ким", "Владимир", "Сергеевич", "KIM", "VLADIMIR", "M", "1983-02-27",
      "г. Уштобе", "Zhetysu", "г. Талдыкорган, ул. Жансугурова, д. 112, кв. 5",
      "Khabarovsk", "higher", "врач-терапевт", "native", "married", excel=True,
      certificate_number="ХБ 0412345", certificate_date=D("2025-03-12"),
      arrival_date=D("2025-04-02"), stage1_paid_date=D("2025-05-15"),
      bank=("040813608", 608, 1234567), snils9="112233445", inn10="2721456789",
      notes="spouse F1 is a Russian citizen (no IIN): residence_card-F1; arrived more than "
      "6 months ago: no monthly benefit",
      family=[M("spouse", "Ким", "Ольга", "Александровна", "F", "1985-11-05", True,
                citizenship="RU"),
              M("child", "Ким", "Данияр", "Владимирович", "M", "2013-08-19", True,
                parents=True)],
      expenses=[X("travel", "", "2025-04-01", "48500", "receipt_air_1.pdf", fare="economy"),
                X("travel", "F1", "2025-04-01", "48500", "receipt_air_2.pdf",
                  fare="economy"),
                X("travel", "F2", "2025-04-01", "24250.50", "receipt_air_3.pdf",
                  fare="economy"),
                X("baggage", "", "2025-04-05", "96400.75", "receipt_baggage_1.pdf", "1200"),
                X("duty", "", "2025-06-10", "3500", "receipt_duty_1.pdf")]),
    A("A011", "ready", "Arrived participant (Amur): stage 1 paid 2026-02-15, less than 18 "
      "months ago, so stage 2 is too early; rail compartment fares",
      "Нұрланов", "Ғалымжан", "Баһадүрұлы",
      "NURLANOV", "GALYMZHAN", "M", "1980-12-10", "г. Кызылорда", "Kyzylorda",
      "г. Кызылорда, ул. Желтоксан, д. 8, кв. 21", "Amur", "higher", "агроном", "fluent",
      "married", certificate_number="АМ 0078123", certificate_date=D("2025-11-20"),
      arrival_date=D("2026-01-10"), stage1_paid_date=D("2026-02-15"),
      bank=("041012612", 8636, 2045511), snils9="134872605", inn10="2801336214",
      findings=["claim.stage2_too_early"],
      notes="the only Һ of the batch is in the patronymic Баһадүрұлы",
      family=[M("spouse", "Нұрланова", "Ұлжан", "Серікқызы", "F", "1984-03-03", True)],
      expenses=[X("travel", "", "2026-01-08", "61200", "receipt_train_1.pdf",
                  fare="compartment"),
                X("travel", "F1", "2026-01-08", "61200", "receipt_train_2.pdf",
                  fare="compartment"),
                X("baggage", "", "2026-01-12", "54300.80", "receipt_baggage_1.pdf", "850")]),
    A("A012", "ready", "Arrived participant (Tula, an ordinary region): a family of 3 "
      "relocating persons with 5,400 kg of baggage, over the one 5-tonne container; "
      "platzkart fares",
      "Бондаренко", "Сергей", "Николаевич", "BONDARENKO", "SERGEY", "M",
      "1970-06-21", "г. Темиртау", "Karaganda",
      "г. Караганда, ул. Ерубаева, д. 40, кв. 2", "Tula", "vocational", "машинист крана",
      "native", "married", certificate_number="ТЛ 0230017",
      certificate_date=D("2026-01-15"), arrival_date=D("2026-04-10"),
      stage1_paid_date=D("2026-05-20"), bank=("047003608", 8604, 310922),
      snils9="087654321", inn10="7107120455", findings=["claim.baggage_over_limit"],
      notes="limit 5,000 kg for up to 3 relocating persons (applicant, spouse, father)",
      family=[M("spouse", "Бондаренко", "Галина", "Петровна", "F", "1972-09-14", True),
              M("parent", "Бондаренко", "Николай", "Тарасович", "M", "1946-02-01", True,
                pensioner=True, marital="widowed")],
      expenses=[X("travel", "", "2026-04-08", "12500.50", "receipt_train_1.pdf",
                  fare="platzkart"),
                X("travel", "F1", "2026-04-08", "12500.50", "receipt_train_2.pdf",
                  fare="platzkart"),
                X("travel", "F2", "2026-04-08", "12500.50", "receipt_train_3.pdf",
                  fare="platzkart"),
                X("baggage", "", "2026-04-15", "187000", "receipt_baggage_1.pdf", "5400"),
                X("duty", "", "2026-05-05", "3500", "receipt_duty_1.pdf")]),
    A("A013", "ready", "Arrived participant (Smolensk) whose certificate of 2023-05-10 is "
      "older than 3 years", "Хайруллина", "Гульнара", "Рашидовна", "KHAIRULLINA",
      "GULNARA", "F", "1975-03-17", "г. Семей", "Abai",
      "г. Семей, ул. Шакарима, д. 19, кв. 61", "Smolensk", "higher", "экономист",
      "native", "single", certificate_number="СМ 0009876",
      certificate_date=D("2023-05-10"), arrival_date=D("2023-08-01"),
      bank=("046614632", 8609, 77120), snils9="145203987", inn10="6732018840",
      findings=["claim.certificate_expired"],
      expenses=[X("travel", "", "2023-07-30", "23800", "receipt_train_1.pdf",
                  fare="compartment"),
                X("duty", "", "2023-10-02", "3500", "receipt_duty_1.pdf")]),
    # ---------------------------------------------------------------- refusal grounds
    A("A014", "refused", "Refusal: extremist activity (extremism=yes)", "Есенов", "Қайрат",
      "Маратұлы", "YESSENOV", "KAIRAT", "M", "1987-07-07", "г. Тараз", "Zhambyl",
      "г. Тараз, ул. Толе би, д. 93, кв. 14", "Kaluga Oblast", "higher",
      "инженер-строитель", "fluent", "single", extremism=True,
      findings=["refusal.extremism"]),
    A("A015", "ready", "Under criminal prosecution: no longer a refusal ground in edition 2 "
      "(only a conviction is), a warning", "Литвиненко", "Денис",
      "Игоревич", "LITVINENKO", "DENIS", "M", "1990-02-14", "г. Петропавловск",
      "North Kazakhstan", "г. Петропавловск, ул. Конституции, д. 31, кв. 88", "Voronezh",
      "vocational", "электрик", "native", "single", under_prosecution=True,
      employer_offer=False, notes="edition 1: refusal.prosecution (retired)"),
    A("A016", "refused", "Refusal: convicted of a serious crime", "Фролов", "Алексей",
      "Михайлович", "FROLOV", "ALEKSEY", "M", "1978-11-30", "г. Кокшетау", "Akmola",
      "г. Кокшетау, ул. Ауэзова, д. 150, кв. 3", "Krasnoyarsk Krai", "vocational",
      "горнорабочий", "native", "married", serious_conviction=True,
      findings=["refusal.serious_crime"],
      family=[M("spouse", "Фролова", "Ирина", "Павловна", "F", "1980-04-21", True)]),
    A("A017", "refused", "Refusal: 2 administrative penalties for migration-law violations "
      "within 12 months (migration_offences_12m = 2)", "Ли", "Екатерина",
      "Вячеславовна", "LI", "YEKATERINA", "F", "1993-04-18", "г. Алматы", "Almaty",
      "г. Алматы, ул. Розыбакиева, д. 247, кв. 102", "Sakhalin", "higher", "логист",
      "native", "single", migration_offences_12m=2,
      findings=["refusal.migration_offences"]),
    A("A018", "refused", "Refusal: moving for permanent residence to another state",
      "Беккер", "Иван", "Андреевич", "BEKKER", "IVAN", "M", "1984-01-09", "г. Аксу",
      "Pavlodar", "г. Аксу, ул. Камзина, д. 6, кв. 17", "Омская область", "higher",
      "агроном", "native", "single", other_state_residence=True, employer_offer=False,
      findings=["refusal.other_state"]),
    A("A019", "refused", "Refusal: deported from Russia on 2023-03-10 (within 5 years)",
      "Сафин", "Руслан", "Маратович", "SAFIN", "RUSLAN", "M", "1992-08-22", "г. Актау",
      "Mangistau", "г. Актау, мкр. 12, д. 5, кв. 44", "Stavropol", "vocational",
      "сварщик", "native", "single", deportation_date=D("2023-03-10"),
      findings=["refusal.deportation_5y"],
      notes="Mangystau books in Uralsk until the Aktau consulate opens"),
    A("A020", "ready", "3 administrative offences of other kinds in 12 months and no "
      "migration-law penalty: refused in edition 1 (refusal.admin_offences), nothing in "
      "edition 2", "Тарасенко", "Виталий", "Олегович", "TARASENKO", "VITALIY", "M",
      "1986-12-05", "г. Уральск", "West Kazakhstan", "г. Уральск, пр. Достык, д. 200, кв. 9",
      "Novosibirsk", "vocational", "водитель", "native", "single", admin_offences_12m=3,
      excel=True, notes="batch/ has no admin_offences_12m column any more",
      notes_ru="«Админ. правонарушения за 12 мес.» = 3 in the retired column, which decides "
      "nothing (the file's data.column_retired warning)"),
    A("A021", "refused", "Refusal: ID document expires 2027-03-01, under 6 months after the "
      "filing date (blank: the as-of date)", "Сәрсенбаев", "Үмітбек", "Асқарұлы",
      "SARSENBAYEV", "UMITBEK", "M", "1975-09-01", "г. Туркестан", "Turkistan",
      "г. Туркестан, ул. Тауке хана, д. 11", "Tula", "higher", "ветеринарный врач",
      "fluent", "single", issue_date=D("2017-03-02"), expiry_date=D("2027-03-01"),
      findings=["refusal.passport_validity"]),
    A("A022", "refused", "Refusal: target region Moscow (not in the program) for an "
      "applicant who is not a repatriate", "Морозова",
      "Татьяна", "Владимировна", "MOROZOVA", "TATYANA", "F", "1989-06-06", "г. Астана",
      "Astana", "г. Астана, пр. Кабанбай батыра, д. 11, кв. 305", "Moscow", "higher",
      "маркетолог", "native", "single", employer_offer=False, excel=True,
      findings=["refusal.region_not_allowed"]),
    A("A023", "refused", "Refusal: target region Санкт-Петербург (not in the program)",
      "Вайс", "Наталья", "Эдуардовна", "VAIS", "NATALYA", "F", "1994-10-10",
      "г. Жезказган", "Ulytau", "г. Жезказган, ул. Алашахана, д. 27, кв. 8",
      "Санкт-Петербург", "higher", "архитектор", "native", "single",
      findings=["refusal.region_not_allowed"]),
    A("A024", "refused", "Refusal: knowingly false information (caseworker flag)",
      "Омарова", "Айгерім", "Бауыржанқызы", "OMAROVA", "AIGERIM", "F", "1991-02-28",
      "г. Актобе", "Aktobe", "г. Актобе, пр. Абилкайыр хана, д. 62, кв. 19", "Smolensk",
      "higher", "юрист", "fluent", "single", false_information=True,
      findings=["refusal.false_information"]),
    # ---------------------------------------------------------------- eligibility
    A("A025", "refused", "Eligibility: applicant aged 17 at the filing date (blank: as-of)",
      "Ткаченко", "Полина",
      "Сергеевна", "TKACHENKO", "POLINA", "F", "2009-05-20", "г. Костанай", "Kostanay",
      "г. Костанай, ул. Гоголя, д. 80, кв. 6", "Kaliningrad Oblast", "secondary",
      "продавец-консультант", "native", "single", findings=["eligibility.adult"]),
    A("A026", "refused", "Eligibility: limited legal capacity", "Зайцев", "Павел",
      "Андреевич", "ZAITSEV", "PAVEL", "M", "1983-03-03", "г. Риддер", "East Kazakhstan",
      "г. Риддер, ул. Островского, д. 5, кв. 2", "Tula", "vocational", "токарь", "native",
      "single", legal_capacity="limited", findings=["eligibility.legal_capacity"]),
    A("A027", "ready", "No education: a warning in edition 2 (no federal source makes "
      "education a condition); no diploma is required",
      "Жақсылықов", "Ерлан", "Серікұлы",
      "ZHAKSYLYKOV", "YERLAN", "M", "1969-07-15", "п. Жосалы", "Kyzylorda",
      "п. Жосалы, ул. Бейбитшилик, д. 4", "Amur", "none", "разнорабочий", "fluent",
      "single", notes="edition 1: refused (eligibility.education as a refusal)"),
    A("A028", "refused", "Eligibility: no Russian language", "Қасымова", "Гүлнар",
      "Әбілқызы", "KASSYMOVA", "GULNAR", "F", "1972-01-20", "г. Кентау", "Turkistan",
      "г. Кентау, ул. Ясауи, д. 21", "Омская область", "vocational", "швея", "none",
      "single", findings=["eligibility.russian_language"],
      notes="KZ citizen: no docs.missing.russian_language_proof"),
    # ---------------------------------------------------------------- incomplete
    A("A029", "incomplete", "Missing diploma and photo (photo.jpg is a text file)",
      "Мельник", "Оксана", "Васильевна", "MELNIK", "OKSANA", "F", "1995-03-23",
      "г. Астана", "Astana", "г. Астана, ул. Сыганак, д. 14, кв. 71", "Voronezh", "higher",
      "медицинская сестра", "native", "single", omit=["diploma", "photo"],
      extra={"photo.jpg": NOT_A_JPEG}, excel=True),
    A("A030", "incomplete", "Married, no marriage certificate (marriage_certificate.pdf is "
      "empty)", "Ермеков", "Нұрсұлтан", "Болатұлы", "YERMEKOV", "NURSULTAN", "M",
      "1986-04-04", "г. Шымкент", "Shymkent", "г. Шымкент, мкр. Нурсат, д. 9, кв. 27",
      "Kaliningrad Oblast", "higher", "экономист", "fluent", "married",
      omit=["marriage_certificate"], extra={"marriage_certificate.pdf": b""},
      family=[M("spouse", "Ермекова", "Дана", "Ерболқызы", "F", "1989-12-29", True)]),
    A("A031", "incomplete", "Child without a birth certificate", "Попова", "Марина",
      "Игоревна", "POPOVA", "MARINA", "F", "1988-08-08", "г. Павлодар", "Pavlodar",
      "г. Павлодар, ул. Естая, д. 99, кв. 14", "Novosibirsk", "higher", "фармацевт",
      "native", "divorced", omit=["birth_certificate-F1"], excel=True,
      notes="the father stays: parent_consent-F1 is there",
      family=[M("child", "Попов", "Кирилл", "Денисович", "M", "2016-10-01", True,
                parents=False)]),
    A("A032", "incomplete", "Divorced father moving with his son aged 16, without the "
      "mother's consent", "Гусев", "Михаил", "Юрьевич", "GUSEV", "MIKHAIL", "M",
      "1984-12-12", "г. Талдыкорган", "Zhetysu",
      "г. Талдыкорган, ул. Тауелсиздик, д. 58, кв. 30", "Khabarovsk", "vocational",
      "электромонтёр", "native", "divorced", omit=["parent_consent-F1"],
      notes="the mother stays (parents_relocating no); F1 is 16: id_card-F1 and "
      "child_opinion-F1 are there",
      family=[M("child", "Гусев", "Егор", "Михайлович", "M", "2010-07-30", True,
                parents=False)]),
    # ---------------------------------------------------------------- bad data
    A("A033", "invalid", "IIN whose check digit is wrong", "Соколов", "Игорь",
      "Дмитриевич", "SOKOLOV", "IGOR", "M", "1979-10-10", "г. Актобе", "Aktobe",
      "г. Актобе, ул. Маресьева, д. 7, кв. 55", "Voronezh", "higher", "геодезист",
      "native", "single", bad="iin_check", findings=["data.iin_checksum (iin)"]),
    A("A034", "invalid", "IIN of 11 digits", "Серікбаева", "Ләззат", "Нұрланқызы",
      "SERIKBAYEVA", "LAZZAT", "F", "1992-12-12", "г. Тараз", "Zhambyl",
      "г. Тараз, ул. Койгельды, д. 150, кв. 12", "Smolensk", "higher", "переводчик",
      "fluent", "single", bad="iin_short", findings=["data.format (iin)"]),
    A("A035", "invalid", "Impossible birth date 1985-02-31 (IIN encodes 1985-02-13)",
      "Волкова", "Людмила", "Андреевна", "VOLKOVA", "LYUDMILA", "F", "1985-02-13",
      "г. Лисаковск", "Kostanay", "г. Лисаковск, мкр. 4, д. 10, кв. 91", "Tula",
      "vocational", "повар", "native", "single", bad="birth_date",
      raw={"birth_date": "1985-02-31"}, findings=["data.format (birth_date)"]),
    A("A036", "invalid", 'Sex "X"', "Нестеренко", "Юлия", "Олеговна", "NESTERENKO",
      "YULIYA", "F", "1990-09-09", "г. Петропавловск", "North Kazakhstan",
      "г. Петропавловск, ул. Интернациональная, д. 45, кв. 7", "Novosibirsk", "higher",
      "учитель", "native", "single", bad="sex", raw={"sex": "X"},
      findings=["data.format (sex)"], notes="the IIN encodes female"),
    A("A037", "invalid", "Arrived participant whose bank account fails the control key",
      "Шевченко", "Ирина", "Владимировна", "SHEVCHENKO", "IRINA", "F", "1986-05-30",
      "г. Хромтау", "Aktobe", "г. Актобе, ул. Бокенбай батыра, д. 129, кв. 40",
      "Voronezh", "higher", "инженер-технолог", "native", "single", bad="bank",
      certificate_number="ВР 0151762", certificate_date=D("2025-09-01"),
      arrival_date=D("2025-10-15"), stage1_paid_date=D("2025-11-10"),
      bank=("042007681", 9013, 4405), snils9="156001234", inn10="3666207731",
      findings=["data.bank_account"]),
    # ---------------------------------------------------------------- rejected row
    A("../../etc/x", "rejected", "applicant_id outside [A-Za-z0-9_-]{1,64} (path "
      "traversal): the row is rejected, other fields valid", "Фёдоров", "Николай",
      "Павлович", "FEDOROV", "NIKOLAY", "M", "1980-01-01", "г. Астана", "Astana",
      "г. Астана, ул. Кенесары, д. 40, кв. 11", "Tula", "higher", "инженер", "native",
      "single", findings=["row rejected: data.format (applicant_id) in errors"]),
    # ---------------------------------------------------------------- edition 2
    A("A038", "incomplete", "Stateless applicant whose only former citizenship is "
      "Uzbekistan's (former_citizenship `UZ`): not exempt from the Russian-language proof",
      "Юсупов", "Рустам", "Ахмедович", "YUSUPOV", "RUSTAM", "M", "1986-06-02",
      "г. Ташкент, Узбекская ССР", "Turkistan", "г. Туркестан, ул. Рабиги Султан Бегим, "
      "д. 15, кв. 3", "Voronezh", "vocational", "каменщик", "fluent", "single",
      citizenship="stateless", former_citizenship="UZ", id_doc_type="residence_permit",
      omit=["russian_language_proof"],
      notes="residence_card present; fluent Russian does not exempt: only citizenship, "
      "former citizenship or the repatriate ground do"),
    A("A039", "ready", "Repatriate (Decree 872) settling in Moscow: any region is allowed, "
      "no language proof, repatriate_evidence required, no state support outside a "
      "participating region",
      "Беляев", "Константин", "Юрьевич", "BELYAEV", "KONSTANTIN", "M", "1979-02-14",
      "г. Петропавловск", "North Kazakhstan", "г. Петропавловск, ул. Букетова, д. 27, кв. 5",
      "Moscow", "higher", "инженер-теплотехник", "native", "single", repatriate=True,
      excel=True, findings=["warning.repatriate_no_support"],
      notes="no refusal.region_not_allowed; allowance territory none: lifting, "
      "compensation and monthly benefit 0 with the reason (the warning id is the one in "
      "the lead's rules.toml, not named by domain.md)"),
    A("A040", "ready", "Family of five to Sakha (Yakutia), a priority territory since "
      "Decree 354, with 9,000 kg of baggage (two containers, 10 t, for 4 or more "
      "relocating persons): spouse, son aged 17, a ward aged 12, daughter aged 6; "
      "arrived 2025-10-01, stage 1 not yet paid",
      "Петренко", "Андрей", "Николаевич", "PETRENKO", "ANDREY", "M", "1982-04-03",
      "г. Кокшетау", "Akmola", "г. Кокшетау, ул. Абая, д. 96, кв. 12",
      "Sakha (Yakutia)", "higher", "горный инженер", "native", "married",
      certificate_number="ЯК 0051230", certificate_date=D("2025-07-01"),
      arrival_date=D("2025-10-01"), bank=("049805609", 8603, 1450021),
      snils9="167234590", inn10="1435178206",
      notes="lifting: priority territory (participant 240,000, each member 120,000 as "
      "totals; stage 1 now); F2 (17): id_card-F2, child_opinion-F2, both parents "
      "relocating; F3 ward: parent_consent-F3 and birth_certificate-F3; no monthly "
      "benefit (arrived over 6 months ago)",
      family=[M("spouse", "Петренко", "Наталья", "Игоревна", "F", "1984-08-21", True),
              M("child", "Петренко", "Илья", "Андреевич", "M", "2009-03-10", True,
                parents=True),
              M("ward", "Соловьёв", "Артём", "Витальевич", "M", "2014-07-22", True,
                parents=False),
              M("child", "Петренко", "Вера", "Андреевна", "F", "2020-01-30", True,
                parents=True)],
      expenses=[X("travel", "", "2025-09-29", "38900", "receipt_air_1.pdf", fare="economy"),
                X("travel", "F1", "2025-09-29", "38900", "receipt_air_2.pdf",
                  fare="economy"),
                X("travel", "F2", "2025-09-29", "38900", "receipt_air_3.pdf",
                  fare="economy"),
                X("travel", "F3", "2025-09-29", "29175", "receipt_air_4.pdf",
                  fare="economy"),
                X("travel", "F4", "2025-09-29", "29175", "receipt_air_5.pdf",
                  fare="economy"),
                X("baggage", "", "2025-10-06", "312000", "receipt_baggage_1.pdf",
                  "9000")]),
    A("A041", "ready", "Monthly benefit in Khabarovsk (priority territory, subsistence "
      "minimum known): arrived 2026-06-10, within 6 months; the applicant flew business "
      "class (compensated up to economy), the spouse came by rail in a compartment",
      "Лысенко", "Виктор", "Андреевич", "LYSENKO", "VIKTOR", "M", "1979-10-02",
      "г. Усть-Каменогорск", "East Kazakhstan",
      "г. Усть-Каменогорск, ул. Казахстан, д. 70, кв. 14", "Khabarovsk", "higher",
      "врач-хирург", "native", "married", excel=True,
      certificate_number="ХБ 0433871", certificate_date=D("2026-03-20"),
      arrival_date=D("2026-06-10"), bank=("040813608", 9070, 2260318),
      snils9="178345601", inn10="2724309851", findings=["claim.fare_class"],
      notes="monthly benefit 50% of Khabarovsk Krai's 2026 working-age minimum 25,186 = "
      "12,593 RUB a month, 6 months (June–November 2026); lifting: priority territory, "
      "stage 1; his mother-in-law (тёща) stays in Kazakhstan",
      family=[M("spouse", "Лысенко", "Оксана", "Павловна", "F", "1981-12-17", True),
              M("spouse_parent", "Гончаренко", "Нина", "Степановна", "F", "1955-04-08",
                False, pensioner=True, marital="widowed")],
      expenses=[X("travel", "", "2026-06-08", "96800", "receipt_air_1.pdf", fare="business"),
                X("travel", "F1", "2026-06-03", "41350.40", "receipt_train_1.pdf",
                  fare="compartment"),
                X("baggage", "", "2026-06-15", "84200", "receipt_baggage_1.pdf", "2100")]),
    A("A042", "ready", "Young man aged 24 not yet deregistered from military service "
      "(military_deregistered no; his military ID is scanned), moving with his mother, "
      "stepfather, half-sister aged 16 (a minor sibling: a member) and brother aged 30 "
      "with limited legal capacity (a member)",
      "Нуриев", "Тимур", "Рашидович", "NURIEV", "TIMUR", "M", "2002-08-15",
      "г. Актобе", "Aktobe", "г. Актобе, ул. Братьев Жубановых, д. 288, кв. 17",
      "Stavropol", "higher", "учитель физики", "native", "single",
      military_deregistered=False, excel=True,
      stems={"military_deregistration": "military_id.pdf"},
      notes="the scan military_id.pdf is the alternative stem of military_deregistration; "
      "F1 and F2 are married: marriage_certificate-F1 and -F2; F3 (16): id_card-F3, "
      "child_opinion-F3, no parent consent (both her parents, F1 and F2, relocate)",
      family=[M("parent", "Нуриева", "Гульшат", "Ринатовна", "F", "1974-03-02", True,
                marital="married"),
              M("step_parent", "Сабиров", "Ильдар", "Маратович", "M", "1970-11-19", True,
                marital="married"),
              M("sibling", "Сабирова", "Алина", "Ильдаровна", "F", "2010-05-14", True,
                parents=True),
              M("sibling", "Нуриев", "Айдар", "Рашидович", "M", "1996-02-27", True,
                legal="limited", marital="single")]),
    A("A043", "invalid", "Relocating people who are not family members under Decree 809: "
      "an adult capable brother, an adult grandson, an adult nephew and a friend "
      "(relation other); they may apply on their own",
      "Иванова", "Галина", "Петровна", "IVANOVA", "GALINA", "F", "1964-01-23",
      "г. Рудный", "Kostanay", "г. Рудный, ул. 50 лет Октября, д. 33, кв. 8",
      "Novosibirsk", "vocational", "повар", "native", "widowed", excel=True,
      findings=["family.not_member@F1", "family.not_member@F2", "family.not_member@F3",
                "family.not_member@F4"],
      notes="every document of the four is there, so family.not_member is all they get",
      family=[M("sibling", "Петров", "Николай", "Петрович", "M", "1968-09-30", True,
                marital="married"),
              M("grandchild", "Иванов", "Денис", "Олегович", "M", "2007-04-11", True,
                marital="single"),
              M("sibling_child", "Петров", "Максим", "Николаевич", "M", "2000-10-05", True,
                marital="single"),
              M("other", "Кравец", "Валентина", "Ивановна", "F", "1962-06-12", True,
                pensioner=True, marital="widowed")]),
    A("A044", "ready", "Jewish Autonomous Oblast (priority territory, subsistence minimum "
      "unknown): arrived 2026-07-15, with his wife aged 70 whose pensioner cell is blank "
      "and his granddaughter aged 15 (a minor grandchild: a member) whose parents stay",
      "Гордеев", "Борис", "Львович", "GORDEEV", "BORIS", "M", "1960-06-18",
      "г. Семей", "Abai", "г. Семей, ул. Найманбаева, д. 161, кв. 30",
      "Jewish Autonomous Oblast", "higher", "инженер-механик", "native", "married",
      excel=True, certificate_number="ЕА 0007715", certificate_date=D("2026-04-01"),
      arrival_date=D("2026-07-15"), bank=("040813608", 8635, 3310442),
      snils9="189456712", inn10="7901520364",
      notes="monthly_benefit_rub null (no subsistence minimum known for the Jewish AO: "
      "\"determined by the authority\"); F1 counted as a pensioner (no stage 2); "
      "parent_consent-F2 and child_opinion-F2",
      family=[M("spouse", "Гордеева", "Раиса", "Семёновна", "F", "1956-02-09", True,
                pensioner=None),
              M("grandchild", "Гордеева", "Мария", "Андреевна", "F", "2011-03-27", True,
                parents=False)],
      expenses=[X("travel", "", "2026-07-13", "45600", "receipt_air_1.pdf", fare="economy"),
                X("travel", "F1", "2026-07-13", "45600", "receipt_air_2.pdf",
                  fare="economy"),
                X("travel", "F2", "2026-07-13", "34200", "receipt_air_3.pdf",
                  fare="economy")]),
    A("A045", "invalid", "Spouse whose passport expires 2027-03-15, under 6 months after "
      "filing: a member's ground excludes the member (the family list must be corrected), "
      "it does not refuse the application",
      "Абдрахманова", "Жанар", "Ерлановна", "ABDRAKHMANOVA", "ZHANAR", "F", "1990-05-11",
      "г. Петропавловск", "North Kazakhstan",
      "г. Петропавловск, ул. Жамбыла, д. 120, кв. 56", "Омская область", "higher",
      "инженер-технолог", "fluent", "married",
      findings=["refusal.passport_validity@F1"],
      family=[M("spouse", "Абдрахманов", "Ерлан", "Муратович", "M", "1987-08-30", True,
                expiry="2027-03-15")]),
    A("A046", "invalid", "Spouse deported from Russia on 2024-10-02 (2 years ago): a "
      "member's ground, so invalid, not refused",
      "Романенко", "Игорь", "Степанович", "ROMANENKO", "IGOR", "M", "1983-01-26",
      "г. Караганда", "Karaganda", "г. Караганда, ул. Гоголя, д. 52, кв. 19", "Tula",
      "vocational", "электросварщик", "native", "married",
      findings=["refusal.deportation_5y@F1"],
      family=[M("spouse", "Романенко", "Светлана", "Олеговна", "F", "1985-07-07", True,
                grounds={"deportation_date": D("2024-10-02")})]),
    A("A047", "ready", "Filing date changes the answer: aged 17 on the as-of date, 18 on "
      "the filing date 2027-01-18 (eligibility.adult would refuse without the filing date)",
      "Белова", "Ксения", "Андреевна", "BELOVA", "KSENIYA", "F", "2008-12-20",
      "г. Костанай", "Kostanay", "г. Костанай, ул. Пушкина, д. 141, кв. 77",
      "Kaliningrad Oblast", "secondary", "продавец", "native", "single",
      filing_date=D("2027-01-18"), issue_date=D("2025-01-24"), excel=True,
      notes="turns 18 on 2026-12-20"),
    A("A048", "refused", "Filing date changes the answer: ID valid until 2027-06-30, over "
      "6 months after the as-of date but under 6 months after the filing date 2027-02-01",
      "Дьяченко", "Олег", "Владимирович", "DYACHENKO", "OLEG", "M", "1977-11-03",
      "г. Павлодар", "Pavlodar", "г. Павлодар, ул. Ломова, д. 45, кв. 101", "Novosibirsk",
      "vocational", "сантехник", "native", "single", filing_date=D("2027-02-01"),
      issue_date=D("2017-07-01"), expiry_date=D("2027-06-30"),
      findings=["refusal.passport_validity"],
      notes="without filing_date: ready (2027-06-30 is after 2027-05-24)"),
    A("A049", "incomplete", "Unanswered questions: the extremism and entry_ban cells are "
      "empty (an empty cell is not a no)",
      "Садыкова", "Мадина", "Тимуровна", "SADYKOVA", "MADINA", "F", "1993-09-14",
      "г. Шымкент", "Shymkent", "г. Шымкент, ул. Байтурсынова, д. 3, кв. 44",
      "Kaliningrad Oblast", "higher", "провизор", "fluent", "single",
      extremism=None, entry_ban=None, excel=True,
      findings=["data.unanswered (extremism, entry_ban)"]),
    A("A050", "refused", "Refusal: entry to Russia is banned (entry_ban yes)",
      "Кириллов", "Степан", "Аркадьевич", "KIRILLOV", "STEPAN", "M", "1985-03-29",
      "г. Атырау", "Atyrau", "г. Атырау, ул. Абая, д. 10, кв. 6", "Smolensk", "vocational",
      "монтажник", "native", "single", entry_ban=True, findings=["refusal.entry_ban"]),
    A("A051", "refused", "Refusal: does not meet the requirements of the chosen region's "
      "program (caseworker flag regional_requirements_unmet)",
      "Лаптева", "Ольга", "Сергеевна", "LAPTEVA", "OLGA", "F", "1988-12-01",
      "г. Кокшетау", "Akmola", "г. Кокшетау, ул. Горького, д. 35, кв. 2",
      "Kaliningrad Oblast", "vocational", "парикмахер", "native", "single",
      regional_requirements_unmet=True, findings=["refusal.regional_requirements"]),
    A("A052", "invalid", "ID issue date in the future: 2027-02-10 typed for 2022-02-10 (a "
      "date that cannot lie after the as-of date)",
      "Медведев", "Роман", "Алексеевич", "MEDVEDEV", "ROMAN", "M", "1984-10-08",
      "г. Экибастуз", "Pavlodar", "г. Экибастуз, ул. Машхур Жусупа, д. 88, кв. 4",
      "Smolensk", "higher", "энергетик", "native", "single",
      issue_date=D("2022-02-10"), raw={"id_doc_issue_date": "2027-02-10"},
      findings=["data.format (id_doc_issue_date)"]),
]

# the rejected row sits in the middle of applicants.csv, not at the end
ROW_ORDER = ([a["applicant_id"] for a in APPLICANTS if a["applicant_id"] != "../../etc/x"])
ROW_ORDER.insert(ROW_ORDER.index("A025"), "../../etc/x")

ORPHAN_FAMILY = dict(applicant_id="A999", member_id="F1",
                     **M("spouse", "Ахметова", "Сауле", "Бекжанқызы", "F", "1983-05-19", True))

# --------------------------------------------------------------------------------------
# The rules of domain.md edition 2 that follow mechanically from a record
# --------------------------------------------------------------------------------------
MILITARY_AGE = (18, 27)
# Citizens and former citizens of these states are exempt from the Russian-language proof
# (Decree 219 of 30.03.2023; from 12.09.2025 former citizens and repatriates too).
LANGUAGE_EXEMPT = {"KZ", "RU", "BY", "MD", "UA"}
# The pension age of rates.toml [period.pension_age] (Kazakhstan: men 63, women 61).
PENSION_AGE = {"M": 63, "F": 61}
# Priority settlement territories: the 11 subjects of the Far Eastern Federal District
# (Decree 354 of 24.07.2019), by their `en` name in regions.toml.
PRIORITY = {"Republic of Buryatia", "Sakha (Yakutia) Republic", "Zabaykalsky Krai",
            "Kamchatka Krai", "Primorsky Krai", "Khabarovsk Krai", "Amur Oblast",
            "Magadan Oblast", "Sakhalin Oblast", "Jewish Autonomous Oblast",
            "Chukotka Autonomous Okrug"}
SEVERITY_ORDER = ["warning", "missing", "error", "refusal"]
STATUS_OF = {"refusal": "refused", "error": "invalid", "missing": "incomplete",
             "warning": "ready", None: "ready"}


def filing(a):
    return a["filing_date"] or AS_OF


def language_exempt(a):
    former = {c.strip() for c in a["former_citizenship"].split(";") if c.strip()}
    return (a["citizenship"] in LANGUAGE_EXEMPT or bool(former & LANGUAGE_EXEMPT)
            or a["repatriate"])


def required_documents(a):
    """Codes (with -<member_id> for members) the tool should require (domain.md
    "Required documents"), ages at the filing date. `application` is rendered by the tool
    itself and therefore never expected as a scan."""
    day = filing(a)
    age = age_on(a["birth_date"], day)
    req = ["id_card", "photo", "birth_certificate", "no_criminal_record"]
    if a["citizenship"] != "KZ":
        req.append("residence_card")
    if a["marital_status"] == "married":
        req.append("marriage_certificate")
    if a["marital_status"] == "divorced":
        req.append("divorce_certificate")
    if a["previous_names"]:
        req.append("name_change")
    if a["education"] != "none":
        req.append("diploma")
    if not language_exempt(a):
        req.append("russian_language_proof")
    if a["repatriate"]:
        req.append("repatriate_evidence")
    if a["employer_offer"]:
        req.append("employer_certificate")
    if a["sex"] == "M" and MILITARY_AGE[0] <= age <= MILITARY_AGE[1]:
        req.append("military_deregistration")
    if a["alimony_recipients"]:
        req.append("alimony_consent")
    for m in a["family"]:
        if not m["relocating"]:
            continue
        mid = m["member_id"]
        mage = age_on(m["birth_date"], day)
        req.append(f"birth_certificate-{mid}")
        if mage >= 16:
            req.append(f"id_card-{mid}")
        if m["citizenship"] != "KZ":
            req.append(f"residence_card-{mid}")
        if m["relation"] != "spouse" and m["marital_status"] == "married":
            req.append(f"marriage_certificate-{mid}")
        if m["relation"] != "spouse" and m["marital_status"] == "divorced":
            req.append(f"divorce_certificate-{mid}")
        if m["previous_names"]:
            req.append(f"name_change-{mid}")
        if mage < 18 and not m["parents_relocating"]:
            req.append(f"parent_consent-{mid}")
        if 14 <= mage <= 17:
            req.append(f"child_opinion-{mid}")
    return req


def severity(rule, member):
    if rule.startswith("refusal.") or rule in ("eligibility.adult",
                                               "eligibility.legal_capacity",
                                               "eligibility.russian_language"):
        return "error" if member else "refusal"  # a member's ground: invalid, not refused
    if rule.startswith("docs.missing.") or rule == "data.unanswered":
        return "missing"
    if rule.startswith(("data.", "family.")) and rule not in (
            "data.column_retired", "data.encoding", "data.unknown_column"):
        return "error"
    return "warning"


# ---- target regions, as regions.toml resolves them (src/schema/regions.rs)
DESIGNATORS = {"oblast", "oblast'", "region", "krai", "kray", "republic", "republic of", "of",
               "the", "autonomous", "okrug", "ao", "область", "обл", "обл.", "край",
               "республика", "автономный", "автономная", "округ", "ао", "г.", "город",
               "city", "federal", "федерального", "значения"}


def fold(s):
    s = s.strip().rstrip(":*").rstrip()
    s = s.replace("_", " ").replace("-", " ").replace("ё", "е").replace("Ё", "е")
    return " ".join(s.split()).lower()


def fold_exact(s):
    return "".join(c for c in fold(s) if c.isalnum())


def fold_region(s):
    return "".join(c for c in "".join(w for w in fold(s).split(" ") if w not in DESIGNATORS)
                   if c.isalnum())


def load_regions():
    with open(os.path.join(SCHEMAS, "regions.toml"), "rb") as f:
        russia = tomllib.load(f)["russia"]
    exact, loose = {}, {}
    for i, r in enumerate(russia):
        for name in [r["ru"], r["en"], *r.get("aliases", [])]:
            exact[fold_exact(name)] = i
            k = fold_region(name)
            loose[k] = i if loose.get(k, i) == i else None
    codes = {int(r["code"]): i for i, r in enumerate(russia)}

    def resolve(name):
        if name.strip().isdigit():
            return russia[codes[int(name)]]
        i = exact.get(fold_exact(name))
        if i is None:
            i = loose.get(fold_region(name))
        assert i is not None, f"target region {name!r} does not resolve in regions.toml"
        return russia[i]

    return resolve


RESOLVE_REGION = None


def region_of(a):
    r = RESOLVE_REGION(a["target_region"])
    participating = "yes" if r["en"] in PRIORITY else r["participating"]
    return r, participating


def auto_findings(a):
    """Findings that follow mechanically from the record: (rule, member_id, note)."""
    out = []
    age = age_on(a["birth_date"], filing(a))
    if a["employer_offer"] is not True:
        out.append(("warning.no_employer_offer", None, ""))
    if a["id_doc_type"] == "id_card":
        out.append(("warning.id_card_only", None, ""))
    if (a["sex"] == "M" and MILITARY_AGE[0] <= age <= MILITARY_AGE[1]
            and a["military_deregistered"] is False):
        out.append(("warning.military_registration", None, ""))
    if a["under_prosecution"]:
        out.append(("warning.under_prosecution", None, ""))
    if a["education"] == "none":
        out.append(("eligibility.education", None, ""))
    r, participating = region_of(a)
    if participating == "unconfirmed":
        out.append(("warning.region_unconfirmed", None, ""))
    stems = [fold(s) for s in r.get("in_demand", [])]
    if stems and a["profession"].strip() and not any(s in fold(a["profession"])
                                                     for s in stems):
        out.append(("warning.profession_not_in_demand", None, r["en"]))
    for m in a["family"]:
        if (m["relocating"] and m["pensioner"] is None
                and age_on(m["birth_date"], filing(a)) >= PENSION_AGE[m["sex"]]):
            out.append(("warning.pensioner_assumed", m["member_id"], ""))
    for code in a["omit"]:
        base, _, mid = code.partition("-")
        out.append((f"docs.missing.{base}", mid or None, ""))
    for name, data in a["extra"].items():
        if not data[:4] in (b"%PDF", b"\x89PNG") and not data[:2] == b"\xff\xd8":
            why = "empty" if not data else "not a PDF, JPEG or PNG"
            out.append(("docs.unreadable", None, f"{name}: {why}"))
    return out


def parse_finding(text):
    """'rule@F1 (note)' -> (rule, member, note)."""
    head, _, note = text.partition(" ")
    rule, _, member = head.partition("@")
    return rule, member or None, note.strip().strip("()")


def expected_findings(a):
    found = [parse_finding(f) for f in a["findings"]] + auto_findings(a)
    seen, out = set(), []
    for f in found:
        if (f[0], f[1]) not in seen:
            seen.add((f[0], f[1]))
            out.append(f)
    return out


def expected_status(a):
    sev = [severity(rule, member) for rule, member, _ in expected_findings(a)]
    worst = max(sev, key=SEVERITY_ORDER.index) if sev else None
    return STATUS_OF[worst]


# --------------------------------------------------------------------------------------
# Completing the records
# --------------------------------------------------------------------------------------
def complete():
    for i, a in enumerate(APPLICANTS):
        birth = a["birth_date"]
        day = filing(a)
        for j, m in enumerate(a["family"], 1):
            mid = m["member_id"] = f"F{j}"
            adult = age_on(m["birth_date"], day) >= 18
            m["iin"] = make_iin(m["birth_date"], m["sex"]) if m["citizenship"] == "KZ" else ""
            if m["legal_capacity"] is None:
                m["legal_capacity"] = "full" if adult else ""
            if m["marital_status"] is None:
                m["marital_status"] = ("married" if m["relation"] == "spouse" else
                                       "single" if adult and m["relation"] == "child" else "")
            assert m["marital_status"] or not adult or not m["relocating"], (a, mid)
            if not adult:
                assert m["parents_relocating"] is not None or not m["relocating"], (a, mid)
            if m["relocating"] and age_on(m["birth_date"], day) >= 16:
                m["id_doc_type"] = m["doc_type"]
                n = (51234567 + i * 7919 + j * 104729) % 100000000
                m["id_doc_number"] = f"N{n:08d}" if m["doc_type"] == "passport" else f"0{n:08d}"
                m["id_doc_expiry_date"] = m["expiry"] or dt.date(
                    2029 + (i + j) % 6, 1 + (i * 7 + j * 5) % 12, 1 + (i * 11 + j * 3) % 28)
            else:
                m["id_doc_type"] = m["id_doc_number"] = ""
                m["id_doc_expiry_date"] = None
            answers = {"extremism": False, "serious_conviction": False,
                       "other_state_residence": False, "deportation_date": None,
                       "migration_offences_12m": 0, "entry_ban": False}
            if not (m["relocating"] and adult):
                answers = dict.fromkeys(answers)
            answers.update(m["grounds"])
            m.update(answers)
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
        if a["id_doc_type"] == "residence_permit":
            a["id_doc_issued_by"] = "МВД РК, миграционная служба"
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
        for code in a["paper"] + a["omit"] + list(a["stems"]) + list(a["stems_ru"]):
            assert code in req, (a["applicant_id"], code)
        if a["status"] == "rejected":
            continue
        assert expected_status(a) == a["status"], (
            a["applicant_id"], a["status"], expected_status(a), expected_findings(a))


def scans(a, russian):
    """{file name: bytes} of documents/<applicant_id>/ in batch/ (russian False) or
    excel-ru/ (True)."""
    out = {}
    if a["status"] == "rejected":
        return out
    for code in a["required"]:
        if code in a["paper"] or code in a["omit"]:
            continue
        base = code.split("-")[0]
        name = ((a["stems_ru"].get(code) if russian else None) or a["stems"].get(code)
                or f"{code}.{SCAN_EXT.get(base, 'pdf')}")
        out[name] = scan_bytes(name, code)
    for e in a["expenses"]:
        out[e["receipt"]] = scan_bytes(e["receipt"], "receipt")
    out.update(a["extra"])
    return out

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


def member_row(a, m):
    return {**m, "applicant_id": a["applicant_id"]}


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


def write_documents(root, applicants, russian):
    for a in applicants:
        files = scans(a, russian)
        if not files:
            continue
        d = os.path.join(root, a["applicant_id"])
        os.makedirs(d, exist_ok=True)
        for name in sorted(files):
            with open(os.path.join(d, name), "wb") as f:
                f.write(files[name])


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
            fam.append([canon_value(c, member_row(a, m).get(c)) for c in FAMILY_COLUMNS])
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
    write_documents(os.path.join(root, "documents"), ordered(), russian=False)


# --------------------------------------------------------------------------------------
# Serialisation: Excel, Russian locale (cp1251, `;`, CRLF, DD.MM.YYYY, Russian words)
# --------------------------------------------------------------------------------------
RU_HEADERS = {
    "applicant_id": "ID заявителя", "member_id": "ID члена семьи",
    "relation": "Степень родства", "last_name": "Фамилия", "first_name": "Имя",
    "patronymic": "Отчество", "last_name_lat": "Фамилия (лат.)",
    "first_name_lat": "Имя (лат.)", "sex": "Пол", "birth_date": "Дата рождения",
    "birth_place": "Место рождения", "citizenship": "Гражданство",
    "former_citizenship": "Прежнее гражданство", "iin": "ИИН",
    "previous_names": "Прежние ФИО",
    "id_doc_type": "Вид документа", "id_doc_number": "Номер документа",
    "id_doc_issued_by": "Кем выдан", "id_doc_issue_date": "Дата выдачи",
    "id_doc_expiry_date": "Срок действия", "kz_region": "Область проживания",
    "address": "Адрес", "phone": "Телефон", "email": "Эл. почта",
    "education": "Образование", "profession": "Профессия",
    "russian_language": "Владение русским языком", "legal_capacity": "Дееспособность",
    "marital_status": "Семейное положение", "target_region": "Регион вселения",
    "repatriate": "Репатриант", "filing_date": "Дата подачи",
    "employer_offer": "Предложение работодателя",
    "military_deregistered": "Снят с воинского учёта",
    "alimony_recipients": "Получатели алиментов", "extremism": "Экстремизм",
    "under_prosecution": "Уголовное преследование",
    "serious_conviction": "Судимость за тяжкое преступление",
    "other_state_residence": "Выезд в другое государство",
    "entry_ban": "Запрет въезда",
    "migration_offences_12m": "Миграционные правонарушения за 12 мес.",
    "false_information": "Ложные сведения", "deportation_date": "Дата депортации",
    "regional_requirements_unmet": "Не соответствует требованиям региональной программы",
    "admin_offences_12m": "Админ. правонарушения за 12 мес.",
    "migration_violations": "Нарушения миграционного законодательства",
    "documents": "Документы", "certificate_number": "Номер свидетельства",
    "certificate_date": "Дата свидетельства", "arrival_date": "Дата прибытия",
    "stage1_paid_date": "Дата выплаты 1 этапа", "bank_bik": "БИК",
    "bank_account": "Номер счёта", "snils": "СНИЛС", "inn": "ИНН",
    "relocating": "Переезжает", "parents_relocating": "Оба родителя переезжают",
    "pensioner": "Пенсионер", "kind": "Вид расхода",
    "date": "Дата", "amount_rub": "Сумма", "weight_kg": "Вес, кг",
    "fare_class": "Класс проезда", "receipt": "Квитанция",
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
    "fare_class": {"economy": "эконом", "business": "бизнес", "first": "первый",
                   "platzkart": "плацкарт", "compartment": "купе", "sv": "СВ",
                   "lux": "люкс"},
}
RU_BY_SEX = {  # (value, sex of the person) -> Russian word
    "marital_status": {("single", "M"): "холост", ("single", "F"): "не замужем",
                       ("married", "M"): "женат", ("married", "F"): "замужем",
                       ("divorced", "M"): "разведен", ("divorced", "F"): "разведена",
                       ("widowed", "M"): "вдовец", ("widowed", "F"): "вдова"},
    "relation": {("spouse", "M"): "супруг", ("spouse", "F"): "супруга",
                 ("child", "M"): "сын", ("child", "F"): "дочь",
                 ("spouse_child", "M"): "пасынок", ("spouse_child", "F"): "падчерица",
                 ("parent", "M"): "отец", ("parent", "F"): "мать",
                 ("step_parent", "M"): "отчим", ("step_parent", "F"): "мачеха",
                 ("sibling", "M"): "брат", ("sibling", "F"): "сестра",
                 ("sibling_child", "M"): "племянник", ("sibling_child", "F"): "племянница",
                 ("grandchild", "M"): "внук", ("grandchild", "F"): "внучка",
                 ("grandparent", "M"): "дедушка", ("grandparent", "F"): "бабушка",
                 ("ward", "M"): "подопечный", ("ward", "F"): "подопечная",
                 ("other", "M"): "другое", ("other", "F"): "другое"},
}
# The spouse's parent is named after both: a wife's mother is the husband's тёща, a
# husband's mother the wife's свекровь. (member sex, applicant sex) -> word
RU_SPOUSE_PARENT = {("F", "M"): "тёща", ("M", "M"): "тесть",
                    ("F", "F"): "свекровь", ("M", "F"): "свёкор"}
RU_TARGET = {"Primorsky Krai": "Приморский край", "Kaliningrad Oblast":
             "Калининградская область", "Stavropol": "Ставропольский край",
             "Khabarovsk": "Хабаровский край", "Novosibirsk": "Новосибирская область",
             "Moscow": "Москва", "Voronezh": "Воронежская область",
             "Jewish Autonomous Oblast": "Еврейская автономная область"}
# cp1251 has no Kazakh-specific letters: Excel files carry the Russian-letter spelling
KAZ_TO_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

USED_RU = {}  # column -> {canonical value: Russian word} actually written to excel-ru


def norm(s):
    return " ".join(s.replace("_", " ").replace("-", " ").replace("ё", "е")
                    .replace("Ё", "Е").casefold().split())


def check_schema_aliases(headers):
    """Warn (stderr) about every Russian header, value or scan name written to excel-ru
    that schemas/fields.toml or schemas/documents.toml does not declare: the schemas are
    the lead's, the samples only report what they need."""
    problems = []
    with open(os.path.join(SCHEMAS, "fields.toml"), "rb") as f:
        fields = tomllib.load(f)
    for col in headers:
        aliases = fields["columns"].get(col, [])
        if norm(RU_HEADERS[col]) not in {norm(x) for x in aliases}:
            problems.append(f"fields.toml [columns] {col}: no alias {RU_HEADERS[col]!r}")
    vals = fields["values"]
    for group, table in sorted(USED_RU.items()):
        for canon, words in sorted(table.items()):
            for word in sorted(words):
                if norm(word) not in {norm(x) for x in vals.get(group, {}).get(canon, [])}:
                    problems.append(f"fields.toml [values.{group}] {canon}: no synonym "
                                    f"{word!r}")
    with open(os.path.join(SCHEMAS, "documents.toml"), "rb") as f:
        docs = {d["code"]: d for d in tomllib.load(f)["document"]}
    for a in APPLICANTS:
        if not a["excel"]:
            continue
        for code, name in a["stems_ru"].items():
            base = code.split("-")[0]
            stem = name.rsplit(".", 1)[0]
            mid = code.partition("-")[2]
            if mid and stem.endswith("-" + mid):
                stem = stem[: -len(mid) - 1]
            files = {norm(x) for x in docs.get(base, {}).get("files", [])}
            if norm(stem) not in files:
                problems.append(f"documents.toml {base}: no file name {stem!r} "
                                f"({a['applicant_id']}/{name})")
    for p in problems:
        print(f"generate.py: warning: {p}", file=sys.stderr)
    return problems


def ru_value(col, v, sex=None, app_sex=None):
    if v is None or v == "":
        return ""
    if col in BOOL_COLUMNS:
        word = "да" if v else "нет"
        USED_RU.setdefault("bool", {}).setdefault("yes" if v else "no", set()).add(word)
        return word
    if isinstance(v, dt.date):
        return f"{v:%d.%m.%Y}"
    if col == "sex":
        word = {"M": "М", "F": "Ж"}.get(v, v)
        USED_RU.setdefault("sex", {}).setdefault(v, set()).add(word)
        return word
    if col == "relation" and v == "spouse_parent":
        word = RU_SPOUSE_PARENT[(sex, app_sex)]
    elif col in RU_VALUES:
        word = RU_VALUES[col][v]
    elif col in RU_BY_SEX:
        word = RU_BY_SEX[col][(v, sex)]
    elif col == "target_region":
        return RU_TARGET.get(v, v)
    elif col in ("amount_rub", "weight_kg"):
        return str(v).replace(".", ",")
    else:
        return str(v).translate(KAZ_TO_RU)
    USED_RU.setdefault(col, {}).setdefault(v, set()).add(word)
    return word


def excel_people():
    return [a for a in ordered() if a["excel"]]


def write_excel_ru(root):
    people = excel_people()
    rows = []
    for a in people:
        vals = applicant_row(a)
        rows.append([ru_value(c, vals.get(c), a["sex"]) for c in EXCEL_APPLICANT_COLUMNS])
    write_csv(os.path.join(root, "applicants.csv"),
              [RU_HEADERS[c] for c in EXCEL_APPLICANT_COLUMNS],
              rows, delimiter=";", lineterminator="\r\n", encoding="cp1251")
    fam = []
    for a in people:
        for m in a["family"]:
            v = member_row(a, m)
            fam.append([ru_value(c, v.get(c), m["sex"], a["sex"]) for c in FAMILY_COLUMNS])
    write_csv(os.path.join(root, "family.csv"), [RU_HEADERS[c] for c in FAMILY_COLUMNS], fam,
              delimiter=";", lineterminator="\r\n", encoding="cp1251")
    exp = []
    for a in people:
        for e in a["expenses"]:
            v = {**e, "applicant_id": a["applicant_id"]}
            exp.append([ru_value(c, v.get(c)) for c in EXPENSE_COLUMNS])
    write_csv(os.path.join(root, "expenses.csv"), [RU_HEADERS[c] for c in EXPENSE_COLUMNS],
              exp, delimiter=";", lineterminator="\r\n", encoding="cp1251")
    write_documents(os.path.join(root, "documents"), people, russian=True)
    return people

# --------------------------------------------------------------------------------------
# Self-checks and README
# --------------------------------------------------------------------------------------
def self_check():
    ids = [a["applicant_id"] for a in APPLICANTS]
    assert len(ids) == len(set(ids))
    all_iins, doc_numbers = [], []
    by = {a["applicant_id"]: a for a in APPLICANTS}
    for a in APPLICANTS:
        bad = a.get("bad")
        aid = a["applicant_id"]
        if a["citizenship"] == "KZ":
            ok = iin_valid(a["iin"])
            assert ok == (bad not in ("iin_check", "iin_short")), aid
            if ok:
                assert iin_matches(a["iin"], a["birth_date"], a["sex"]), aid
            all_iins.append(a["iin"])
        else:
            assert a["iin"] == "" and a["id_doc_type"] == "residence_permit", aid
        doc_numbers.append(a["id_doc_number"])
        for m in a["family"]:
            if m["citizenship"] == "KZ":
                assert iin_valid(m["iin"]) and iin_matches(m["iin"], m["birth_date"], m["sex"])
                all_iins.append(m["iin"])
            if m["id_doc_number"]:
                doc_numbers.append(m["id_doc_number"])
                expiry = m["id_doc_expiry_date"]
                assert (expiry >= D("2028-06-01")) == (aid != "A045"), (aid, m["member_id"])
        if a["bank_bik"]:
            assert bank_key_ok(a["bank_bik"], a["bank_account"]) == (bad != "bank"), aid
            assert snils_valid(a["snils"]) and inn_valid(a["inn"]), aid
        assert (a["expiry_date"] >= D("2028-06-01")) == (aid not in ("A021", "A048")), aid
        if a["status"] != "rejected":
            assert a["applicant_id"][0] == "A"
        # every ground question answered, except A049's deliberate blanks
        unanswered = [q for q in ("extremism", "serious_conviction", "other_state_residence",
                                  "entry_ban", "migration_offences_12m") if a[q] is None]
        assert bool(unanswered) == (aid == "A049"), aid
        # the ready ones really hold every required document
        if a["status"] == "ready":
            assert not a["omit"], aid
        if a["status"] != "rejected":
            assert a["expenses"] == [] or a["certificate_number"], aid
    all_iins.append(ORPHAN_FAMILY["iin"])
    assert len(all_iins) == len(set(all_iins)), "duplicate IIN"
    assert len(doc_numbers) == len(set(doc_numbers)), "duplicate ID document number"
    age = lambda aid, day=AS_OF: age_on(by[aid]["birth_date"], day)  # noqa: E731
    member = lambda aid, mid: {m["member_id"]: m for m in by[aid]["family"]}[mid]  # noqa
    mage = lambda aid, mid: age_on(member(aid, mid)["birth_date"])  # noqa: E731
    assert mage("A001", "F2") == 15 and mage("A001", "F3") == 8
    assert age("A005") == 22 and age("A042") == 24
    assert age("A025") == 17
    assert age("A047") == 17 and age("A047", by["A047"]["filing_date"]) == 18
    assert all(age(a["applicant_id"], filing(a)) >= 18 for a in APPLICANTS
               if a["applicant_id"] != "A025")
    assert mage("A032", "F1") == 16 and mage("A042", "F3") == 16 and mage("A042", "F4") == 30
    assert mage("A040", "F2") == 17 and mage("A040", "F3") == 12
    assert mage("A043", "F1") >= 18 and mage("A043", "F2") == 19 and mage("A043", "F3") >= 18
    assert mage("A044", "F1") == 70 and mage("A044", "F2") == 15
    assert add_years(D("2021-11-23"), 5) < AS_OF  # A009: just over 5 years
    assert (AS_OF - by["A019"]["deportation_date"]).days < 5 * 365
    assert add_years(member("A046", "F1")["deportation_date"], 2) <= AS_OF
    assert add_years(by["A013"]["certificate_date"], 3) < AS_OF
    assert by["A010"]["stage1_paid_date"] == D("2025-05-15")  # + 18 months = 2026-11-15
    assert D("2026-05-24") < by["A041"]["arrival_date"] <= D("2026-07-01")  # 6 months in 2026
    assert D("2026-05-24") < by["A044"]["arrival_date"]
    # six months after filing: the as-of date is 2027-05-24
    assert by["A021"]["expiry_date"] < D("2027-05-24")
    assert by["A048"]["expiry_date"] > D("2027-05-24")
    assert by["A048"]["expiry_date"] < D("2027-08-01")  # filing 2027-02-01 + 6 months
    assert member("A045", "F1")["id_doc_expiry_date"] < D("2027-05-24")
    # baggage: family of 5 within 10 t, family of 3 over 5 t
    relocating = lambda aid: 1 + sum(m["relocating"] for m in by[aid]["family"])  # noqa
    weight = lambda aid: sum(float(e["weight_kg"] or 0) for e in by[aid]["expenses"])  # noqa
    assert relocating("A040") == 5 and 5000 < weight("A040") <= 10000
    assert relocating("A012") == 3 and weight("A012") > 5000
    for aid in ("A010", "A011"):
        assert weight(aid) <= 5000
    # the rejected row's fields are valid
    x = by["../../etc/x"]
    assert iin_valid(x["iin"]) and iin_matches(x["iin"], x["birth_date"], x["sex"])


def finding_text(rule, member, note):
    sev = severity(rule, member)
    where = f"{member}, " if member else ""
    return f"`{rule}` [{where}{sev}]" + (f" ({note})" if note else "")


def table(rows, russian=False):
    out = ["| applicant_id | expected status | scenario | expected findings | notes |",
           "|---|---|---|---|---|"]
    for a in rows:
        if a["status"] == "rejected":
            findings = "; ".join(a["findings"])
        else:
            findings = "; ".join(finding_text(*f) for f in expected_findings(a))
        notes = "; ".join(x for x in (a["notes"], a["notes_ru"] if russian else
                                      a["notes_batch"]) if x)
        cells = [f"`{a['applicant_id']}`", f"**{a['status']}**", a["scenario"],
                 findings or "—", notes or "—"]
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ")
                                       for c in cells) + " |")
    return "\n".join(out)


def counts(rows):
    c = {}
    for a in rows:
        c[a["status"]] = c.get(a["status"], 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(c.items()))


def coverage():
    """rule -> applicants of batch/ that show it."""
    cov = {}
    for a in ordered():
        if a["status"] == "rejected":
            continue
        for rule, member, _ in expected_findings(a):
            cov.setdefault(rule, {}).setdefault(a["applicant_id"], [])
            if member:
                cov[rule][a["applicant_id"]].append(member)
    lines = ["| rule | severity | applicants |", "|---|---|---|"]
    for rule in sorted(cov):
        sev = {severity(rule, ms[0] if ms else None) for ms in cov[rule].values()}
        who = ", ".join(aid + (f" ({', '.join(ms)})" if ms else "")
                        for aid, ms in cov[rule].items())
        lines.append(f"| `{rule}` | {' / '.join(sorted(sev, key=SEVERITY_ORDER.index))} | "
                     f"{who} |")
    return "\n".join(lines)


def spellings(headers_written):
    """The Russian headers, values and file names written to excel-ru, for fields.toml and
    documents.toml."""
    out = ["| column | Russian header |", "|---|---|"]
    for col in headers_written:
        mark = " (retired in edition 2)" if col in RETIRED_COLUMNS else ""
        out.append(f"| `{col}` | {RU_HEADERS[col]}{mark} |")
    out += ["", "| column | value → Russian spelling |", "|---|---|"]
    for col in sorted(USED_RU):
        pairs = ", ".join(f"`{k}` → {' / '.join(sorted(v))}"
                          for k, v in sorted(USED_RU[col].items()))
        out.append(f"| `{'bool (every yes/no column)' if col == 'bool' else col}` | {pairs} |")
    out.append("| `relation` `spouse_parent` | тёща (wife's mother, applicant a man), свекровь "
               "(husband's mother, applicant a woman); тесть / свёкор for fathers |")
    names = []
    for a in excel_people():
        for code, name in a["stems_ru"].items():
            names.append(f"`{a['applicant_id']}/{name}` → `{code}`")
    out += ["", "Scans named in Russian: " + "; ".join(names) + "."]
    return "\n".join(out)


def readme(excel_rows, headers_written):
    batch_rows = ordered()
    return f"""# Sample batches

Generated by `python3 samples/generate.py` (Python 3.11+, standard library only,
deterministic: two runs write byte-identical files; it rewrites `samples/batch/`,
`samples/excel-ru/` and this README). Input contract v2, rules of domain.md edition 2.
Run the tool on them with `--as-of 2026-11-24`:

    resettle validate samples/batch --as-of 2026-11-24
    resettle validate samples/excel-ru --as-of 2026-11-24
    resettle validate samples/workbook/batch.xlsx --as-of 2026-11-24

`samples/workbook/` is made from `excel-ru/` by `python3 samples/workbook.py` (needs
openpyxl; run it after this generator): the same 16 applicants as one workbook
`batch.xlsx` with the sheets «Заявители», «Члены семьи», «Расходы», a title row above
each header, real Excel dates and numbers, and a copy of `excel-ru/documents/`. It
reports as `excel-ru/` but for two cells stored as numbers, as a General column stores
them: A005's IIN without its leading 0 (valid once restored: read with the 0, a
`data.excel_number` warning) and A044's 20-digit bank account (`data.format`: A044 is
invalid until the column is made Text and the number typed again).

## Spellings used in `excel-ru/`

Every Russian header, value and scan name the Excel sample uses, so that
`schemas/fields.toml` and `schemas/documents.toml` declare them. The generator warns on
stderr about any it does not find there.

{spellings(headers_written)}

The retired columns `admin_offences_12m` («Админ. правонарушения за 12 мес.») and
`migration_violations` («Нарушения миграционного законодательства») are kept in
`excel-ru/applicants.csv` only, so that its report shows the warning
`data.column_retired` (once for the file, naming `migration_offences_12m`); they are not in
`batch/`.

## Expected results

Status is the most severe finding (domain.md): refusal > error > missing > warning;
`ready` may carry warnings. A ground of point 25 (`refusal.*`) of a relocating family
member excludes the member: its finding carries the `member_id` and counts as an error,
so the application is **invalid**, never refused. Every date rule is judged on the
applicant's `filing_date`, or the as-of date 2026-11-24 when it is blank (only A047 and
A048 have one). Each finding is listed as `rule` [member, severity]. The warnings that
follow mechanically from the record (`warning.no_employer_offer`, `warning.id_card_only`,
`warning.military_registration`, `warning.under_prosecution`,
`warning.profession_not_in_demand` from the partial in-demand lists of
`schemas/regions.toml`, `warning.region_unconfirmed`, `warning.pensioner_assumed`,
`eligibility.education`) and the `docs.missing.*` findings are computed by the generator
with the rules of domain.md; the rest are the scenario's. The priority settlement
territories are the 11 subjects of the Far Eastern Federal District (Irkutsk Oblast is
an ordinary region, Sakha (Yakutia) a priority one). `rejected` rows are not applicants:
they appear in `errors` of report.json. The `application` document is rendered by the
tool and is never provided as a scan; `duty_receipt` no longer exists and no scan of it
is anywhere.

Every applicant answers the ground questions (`extremism`, `serious_conviction`,
`other_state_residence`, `entry_ban` with yes/no, `migration_offences_12m` with a
number) except A049. Relocating adult members answer them too in `family.csv`; the
cells of minors and of members who stay are empty. Relocating members aged 16 or more
have `id_doc_type`, `id_doc_number` and `id_doc_expiry_date`.

## `batch/` — canonical format

UTF-8 without BOM, `,`, LF, dates `YYYY-MM-DD`, booleans `yes`/`no`, English header names
and values. `applicants.csv` ({len(batch_rows)} rows: {counts(batch_rows)}),
`family.csv` (one orphan row for `A999`, which does not exist: `data.orphan`),
`expenses.csv` (A010–A013, A040, A041, A044: travel per relocating member with its
`fare_class`, baggage, duty; receipts exist in `documents/<applicant_id>/`),
`documents/<applicant_id>/` with tiny real PDF, PNG and JPEG scans named `<code>.<ext>`
or `<code>-<member_id>.<ext>`.

Checksums: every IIN is valid and agrees with birth date and sex (also for family
members), every bank account passes the BIK control key, every SNILS and INN is valid —
except the deliberately broken A033 (check digit), A034 (11 digits) and A037 (bank key).
A035's IIN encodes 1985-02-13 (the real date behind the typo 1985-02-31); A036's IIN
encodes female. Hostile text that must print literally: A005 address
`ул. Абая 10, кв. #panic()`, A007 profession `<b>bold</b> "quoted" \\\\backslash`
(two backslashes), A008 profession ending in `*]$\\`; A002's address contains a newline
(so physical line numbers and record numbers differ from that row on) and A003's address
an embedded comma and double quotes; previous names are free text with commas.

{table(batch_rows)}
| `A999` (family.csv) | error | family row of an applicant that does not exist | `data.orphan` in `errors` | — |

### Which applicant shows which rule

{coverage()}

Near misses that must give nothing: A008 (1 migration-law penalty), A009 (deported 5
years and 1 day before filing), A047 (18 on the filing date, 17 on the as-of date), A040
(9,000 kg for 5 persons), A001/A040/A042 (`parents_relocating` yes: no parent consent),
A003 (stateless, former KZ citizen: no language proof), A005/A006 (KZ citizens: no
language proof), A039 (repatriate in Moscow: no `refusal.region_not_allowed`), A042 (a
minor sibling and an adult sibling with limited capacity are members), A044 (a
grandchild of 15 is a member), A027 (education none: a warning only).

### Where an expectation rests on a reading of domain.md

- `child_opinion` is required for every relocating member aged 14–17, also when
  `parents_relocating` is yes (the table of domain.md exempts only `parent_consent`);
  A001, A040 and A042 have the scan, so they are ready on either reading.
- A043's four non-members have every document a member would need, so that
  `family.not_member` is all they get whether or not the tool still asks for their papers.
- A039's `warning.repatriate_no_support` is the id in schemas/rules.toml; domain.md only
  says "amounts 0 with a note".
- `warning.pensioner_assumed` is expected for a relocating member only (A044's F1), with
  the pension ages of rates.toml (men 63, women 61); the members who stay have the cell
  filled anyway.
- The allowance territory follows domain.md (Sakha (Yakutia) priority, Irkutsk Oblast
  ordinary): schemas/regions.toml must say so for A008 and A040 to get those amounts and
  for A040 to have no `warning.region_unconfirmed`.
- The member ground cells of relocating 16- and 17-year-olds are left empty (the
  questions are asked of adults); a filled cell is checked, an empty one decides nothing.

## `excel-ru/` — as Excel in a Russian locale saves it

Windows-1251, `;`, CRLF, Russian headers (the table above), dates `DD.MM.YYYY`,
booleans `да`/`нет`, sex `М`/`Ж`, Russian enumeration values, Russian target region
names, amounts with a decimal comma (`24250,50`). cp1251 has no Kazakh-specific
letters, so names are spelled with Russian letters as real cp1251 files do (Әлихан →
Алихан, Іңкәр → Инкар, Ерғали → Ергали); the generator stops if a value cannot be
encoded. A001's `documents` cell contains `;` and is quoted; A002's address keeps its
embedded line break (LF inside a quoted cell, as Excel writes it). `applicants.csv`
({len(excel_rows)} rows: {counts(excel_rows)}) also has the two retired columns; the
report's `warnings` hold one `data.column_retired` for it (and nothing else: every other
header is known).

{table(excel_rows, russian=True)}
| (applicants.csv) | — | the retired columns «Админ. правонарушения за 12 мес.» and «Нарушения миграционного законодательства» | `data.column_retired` [warning] in `warnings`, naming `migration_offences_12m` | — |
"""


def main():
    global RESOLVE_REGION
    RESOLVE_REGION = load_regions()
    complete()
    ORPHAN_FAMILY["iin"] = make_iin(ORPHAN_FAMILY["birth_date"], ORPHAN_FAMILY["sex"])
    ORPHAN_FAMILY.update(legal_capacity="full", marital_status="married",
                         id_doc_type="passport", id_doc_number="N09876543",
                         id_doc_expiry_date=D("2031-05-18"), extremism=False,
                         serious_conviction=False, other_state_residence=False,
                         migration_offences_12m=0, entry_ban=False)
    self_check()
    for sub in ("batch", "excel-ru"):
        target = os.path.join(HERE, sub)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.makedirs(os.path.join(target, "documents"))
    write_batch(os.path.join(HERE, "batch"))
    people = write_excel_ru(os.path.join(HERE, "excel-ru"))
    headers = list(dict.fromkeys(EXCEL_APPLICANT_COLUMNS + FAMILY_COLUMNS + EXPENSE_COLUMNS))
    check_schema_aliases(headers)
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme(people, headers))
    size = 0
    nfiles = 0
    for dirpath, _, files in os.walk(HERE):
        for n in files:
            if "documents" in dirpath:
                size += os.path.getsize(os.path.join(dirpath, n))
                nfiles += 1
    print(f"{len(APPLICANTS)} applicant rows ({len(people)} in excel-ru), "
          f"{nfiles} document files, {size} bytes of documents")


if __name__ == "__main__":
    main()
