"""Made-up staff survey exports in the exact layouts of the four tools, and their hand count.

Ten respondents in two teams answer the three composure statements (the second worded against
the practice) and, four of them, the first authority statement; one answers "don't know". The
same answers are written as Microsoft Forms, Google Forms, LimeSurvey and Qualtrics write them
(header rows, quoting, byte-order marks, grid headings, identifying columns), as CSV or XLSX, so
every layout must give :data:`EXPECTED`, the table counted by hand in the comments below.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from toolkit.framework import load_framework
from toolkit.survey.matching import COMMENT_QUESTION

FW = load_framework()
COMPOSURE = [s.text for s in FW.factor("composure").statements]
AUTHORITY_1 = FW.factor("authority").statements[0].text
GRID = "How far do you agree with each statement about how your service is led?"
TEAM_QUESTION = "Which team do you work in?"

SA, A, N, D, SD, DK = (
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
    "Don't know",
)

#: (name, email, team, composure 1, composure 2 (reverse-worded), composure 3, authority 1,
#: comment). On the 0-4 scale after turning composure 2 round, each respondent's mean:
RESPONDENTS: list[tuple[str, str, str, str, str, str, str, str]] = [
    # 4, 4, 3 -> 3.667
    (
        "Tom Reyes",
        "tom.reyes@acme.example",
        "Billing",
        SA,
        SD,
        A,
        A,
        "Tom Reyes here: the rota is fine, mail me at tom.reyes@acme.example",
    ),
    # 3, 3, 3 -> 3.0
    ("Ana Lima", "ana.lima@acme.example", "Billing", A, D, A, SA, "More training, please"),
    # 2, 2, (don't know) -> 2.0
    ("Priya Natarajan", "priya.n@acme.example", "Billing", N, N, DK, D, ""),
    # 1, 1, 1 -> 1.0
    ("Jon Berg", "jon.berg@acme.example", "Billing", D, A, D, N, 'Managers, "listen", please'),
    # 3, 3, 4 -> 3.333
    ("Lea Kim", "lea.kim@acme.example", "Billing", A, D, SA, "", ""),
    # 0, 0, 0 -> 0.0
    ("Sam Ortiz", "sam.ortiz@acme.example", "Claims", SD, SA, SD, "", '=HYPERLINK("x")'),
    # 1, 1, 2 -> 1.333
    ("Ola Nowak", "ola.nowak@acme.example", "Claims", D, A, N, "", ""),
    # 2, 2, 2 -> 2.0
    ("Ravi Shah", "ravi.shah@acme.example", "Claims", N, N, N, "", "Too many targets"),
    # 3, 3, 3 -> 3.0
    ("Mia Jones", "mia.jones@acme.example", "Claims", A, D, A, "", ""),
    # 1, 0, 1 -> 0.667
    ("Kai Wu", "kai.wu@acme.example", "Claims", D, SA, D, "", "Calm, mostly"),
]

#: Everyone: means 3.667 3 2 1 3.333 0 1.333 2 3 0.667 -> 20/10 = 2.0; sd (n-1) = 1.2373;
#: t(0.975, 9) = 2.2622, half-width 2.2622 x 1.2373 / sqrt(10) = 0.8851 -> 1.115 to 2.885;
#: favourable: answers at 3 or 4 on the 0-4 scale, 12 of 29 = 41.4%.
#: Billing: 13/5 = 2.6; sd 1.0904; t(4) = 2.7764, half 1.3539 -> 1.246 to 3.954; 9 of 14 = 64.3%.
#: Claims: 7/5 = 1.4; sd 1.1643; half 1.4457 -> 0 (cut at the scale) to 2.846; 3 of 15 = 20.0%.
#: Authority: four respondents, fewer than k = 5: suppressed, and its segments with it.
EXPECTED: dict[tuple[str, str | None], tuple[int, float, float, float, float, float] | None] = {
    ("composure", None): (10, 2.0, 41.4, 1.237, 1.115, 2.885),
    ("composure", "Billing"): (5, 2.6, 64.3, 1.09, 1.246, 3.954),
    ("composure", "Claims"): (5, 1.4, 20.0, 1.164, 0.0, 2.846),
    ("authority", None): None,
}
#: Values that identify a respondent: none may reach the engagement.
IDENTIFYING = [v for r in RESPONDENTS for v in (r[0], r[1])] + [
    "203.0.113.7",
    "R_3kFzXb2LmP9Q",
    "39.7392",
    "-104.9903",
    "tok3n-0042",
]


def _answers(r: tuple[str, ...]) -> list[str]:
    return [r[3], r[4], r[5], r[6]]


def microsoft_forms() -> list[list[Any]]:
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += [TEAM_QUESTION, *COMPOSURE, AUTHORITY_1, COMMENT_QUESTION]
    rows: list[list[Any]] = [header]
    for i, r in enumerate(RESPONDENTS, start=1):
        rows.append(
            [i, "11/20/26 9:01:02", "11/20/26 9:07:45", r[1], r[0], "", r[2], *_answers(r), r[7]]
        )
    return rows


def google_forms() -> list[list[Any]]:
    header = ["Timestamp", "Email address", TEAM_QUESTION]
    header += [f"{GRID} [{text}]" for text in [*COMPOSURE, AUTHORITY_1]] + [COMMENT_QUESTION]
    rows: list[list[Any]] = [header]
    for i, r in enumerate(RESPONDENTS):
        stamp = f"2026/11/2{i % 9} 10:1{i}:05 AM GMT"
        rows.append([stamp, r[1], r[2], *_answers(r), r[7]])
    return rows


def limesurvey() -> list[list[Any]]:
    meta = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    meta += ["ipaddr", "token"]
    header = [*meta, "TEAM. Which team do you work in?"]
    header += [f"Q2[SQ00{i + 1}]. {GRID} [{t}]" for i, t in enumerate(COMPOSURE[:2])]
    # The third statement as an abbreviated heading: question and statement cut to 15 letters.
    header += [f"Q2[SQ003]. {GRID[:15]}.. [{COMPOSURE[2][:19]}.. ]"]
    header += [f"Q3[SQ001]. {GRID} [{AUTHORITY_1}]", f"Q4. {COMMENT_QUESTION}"]
    header += ["interviewtime", "groupTime12", "Q2Time"]
    rows: list[list[Any]] = [header]
    for i, r in enumerate(RESPONDENTS, start=1):
        answers = [("No answer" if a == DK else a) for a in _answers(r)]
        meta_values = [i, "2026-11-20 09:07:45", 3, "en", 123456 + i, "2026-11-20 09:01:02"]
        meta_values += ["2026-11-20 09:07:45", "203.0.113.7", "tok3n-0042"]
        rows.append([*meta_values, r[2], *answers, r[7], 402.5, 120.3, 60.1])
    return rows


def qualtrics() -> list[list[Any]]:
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)"]
    meta += ["Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName"]
    meta += ["RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude"]
    meta += ["DistributionChannel", "UserLanguage"]
    names = [*meta, "Q1", "Q2_1", "Q2_2", "Q2_3", "Q3_1", "Q4"]
    texts = [
        "Start Date", "End Date", "Response Type", "IP Address", "Progress",
        "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
        "Recipient Last Name", "Recipient First Name", "Recipient Email", "External Data Reference",
        "Location Latitude", "Location Longitude", "Distribution Channel", "User Language",
        TEAM_QUESTION,
        *(f"{GRID} - {t}" for t in COMPOSURE),
        f"{GRID} - {AUTHORITY_1}",
        COMMENT_QUESTION,
    ]  # fmt: skip
    ids = [f'{{"ImportId":"{n.lower()}"}}' for n in meta]
    ids += ['{"ImportId":"QID1"}', '{"ImportId":"QID2_1"}', '{"ImportId":"QID2_2"}']
    ids += ['{"ImportId":"QID2_3"}', '{"ImportId":"QID3_1"}', '{"ImportId":"QID4_TEXT"}']
    rows: list[list[Any]] = [names, texts, ids]

    def row(r: tuple[str, ...], status: str, channel: str) -> list[Any]:
        first, last = r[0].split(" ", 1)
        return [
            "2026-11-20 09:01:02", "2026-11-20 09:07:45", status, "203.0.113.7", 100, 403,
            "True", "2026-11-20 09:07:46", "R_3kFzXb2LmP9Q", last, first, r[1], "EMP-1",
            "39.7392", "-104.9903", channel, "EN", r[2], *_answers(r), r[7],
        ]  # fmt: skip

    # A preview the survey's owner took first: never counted.
    rows.append(row(RESPONDENTS[5], "Survey Preview", "preview"))
    rows += [row(r, "IP Address", "anonymous") for r in RESPONDENTS]
    return rows


LAYOUTS = {
    "Microsoft Forms": microsoft_forms,
    "Google Forms": google_forms,
    "LimeSurvey": limesurvey,
    "Qualtrics": qualtrics,
}


def as_csv(rows: list[list[Any]], tool: str) -> bytes:
    """The rows as the tool writes CSV: LimeSurvey a BOM and every field quoted, Qualtrics and
    Microsoft Forms (saved from Excel as CSV UTF-8) a BOM, Google Forms neither."""
    buf = io.StringIO()
    if tool == "LimeSurvey":
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    else:
        writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    bom = "" if tool == "Google Forms" else "\ufeff"
    return (bom + buf.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    """The rows as a workbook's first sheet (numbers as numbers)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text the respondent typed, not a formula
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def export(tool: str, fmt: str) -> tuple[bytes, str]:
    """(bytes, file name) of the made-up export of ``tool`` as ``fmt`` ("csv" or "xlsx")."""
    rows = LAYOUTS[tool]()
    data = as_csv(rows, tool) if fmt == "csv" else as_xlsx(rows)
    return data, f"{tool.lower().replace(' ', '-')}-responses.{fmt}"
