"""Writes export-qualtrics-60.csv and export-google-forms-40.csv, two exports large
enough that their counts clear the page's disclosure threshold (k = 10).

Each answer is laid out by a rule whose counts can be read off without running
anything; tests/e2e/tests/exports.rs states them as numbers:

Qualtrics (60 respondents, rows i = 0..59):
  Q1 "How often do you use NumPy?"   Rarely i < 15 (15), Weekly 15 <= i < 35 (20), Daily i >= 35 (25)
  Q2 "Which languages do you use?"   Python i < 50 (50), R i >= 40 (20), Julia i % 5 == 0 (12)
  Q3 "What is your role?"            Student i < 30 (30), Researcher 30 <= i < 48 (18), Engineer i >= 48 (12)
Google Forms (40 respondents, rows i = 0..39, j = 7 i mod 40 runs over 0..39 once):
  languages                           Python i < 36 (36), R i >= 26 (14), Julia i % 4 == 0 (10)
  years                               Less than 1 year i < 10 (10), 1-2 years 10 <= i < 22 (12), 3-5 years i >= 22 (18)
  role                                Student j < 16 (16), Academic 16 <= j < 30 (14), Industry j >= 30 (10)

Run from this folder: python3 make_exports.py
"""

import csv


def qualtrics():
    ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
           "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
           "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
           "Q1", "Q2", "Q3", "Q4"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
             "Finished", "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name",
             "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
             "Distribution Channel", "User Language", "How often do you use NumPy?",
             "Which languages do you use?", "What is your role?", "Anything else?"]
    import_ids = ['{"ImportId":"startDate","timeZone":"UTC"}', '{"ImportId":"endDate","timeZone":"UTC"}',
                  '{"ImportId":"status"}', '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}',
                  '{"ImportId":"duration"}', '{"ImportId":"finished"}',
                  '{"ImportId":"recordedDate","timeZone":"UTC"}', '{"ImportId":"_recordId"}',
                  '{"ImportId":"recipientLastName"}', '{"ImportId":"recipientFirstName"}',
                  '{"ImportId":"recipientEmail"}', '{"ImportId":"externalDataReference"}',
                  '{"ImportId":"locationLatitude"}', '{"ImportId":"locationLongitude"}',
                  '{"ImportId":"distributionChannel"}', '{"ImportId":"userLanguage"}',
                  '{"ImportId":"QID1"}', '{"ImportId":"QID2"}', '{"ImportId":"QID3"}', '{"ImportId":"QID4_TEXT"}']
    rows = [ids, texts, import_ids]
    for i in range(60):
        q1 = "Rarely" if i < 15 else "Weekly" if i < 35 else "Daily"
        q2 = ",".join(l for l, on in [("Python", i < 50), ("R", i >= 40), ("Julia", i % 5 == 0)] if on)
        q3 = "Student" if i < 30 else "Researcher" if i < 48 else "Engineer"
        q4 = f"Thanks from respondent {i}" if i % 4 == 0 else ""
        rows.append([f"2021-02-01 09:{i:02d}:00", f"2021-02-01 10:{i:02d}:00", "IP Address",
                     f"192.0.2.{i + 1}", "100", str(300 + 7 * i), "True", f"2021-02-01 10:{i:02d}:01",
                     f"R_{i:04d}x", f"Surname{i}", f"Given{i}", f"person{i}@example.org", "",
                     f"{51 + i / 100:.4f}", f"{-0.1 - i / 100:.4f}", "anonymous", "EN", q1, q2, q3, q4])
    return rows


def google_forms():
    rows = [["Timestamp", "Email Address", "Which languages do you use?", "How many years have you used Python?",
             "What is your role?", "Any other comments?"]]
    for i in range(40):
        j = 7 * i % 40
        languages = ", ".join(l for l, on in [("Python", i < 36), ("R", i >= 26), ("Julia", i % 4 == 0)] if on)
        years = "Less than 1 year" if i < 10 else "1-2 years" if i < 22 else "3-5 years"
        role = "Student" if j < 16 else "Academic" if j < 30 else "Industry"
        comment = f"Comment number {i}: the broadcasting rules took me a while to learn" if i % 3 == 0 else ""
        rows.append([f"2021/03/04 10:{i:02d}:00 AM GMT+1", f"user{i}@example.org", languages, years, role, comment])
    return rows


for name, rows in [("export-qualtrics-60.csv", qualtrics()), ("export-google-forms-40.csv", google_forms())]:
    with open(name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
