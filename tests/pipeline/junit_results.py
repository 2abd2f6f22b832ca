"""Prints one `pass|skip|fail<TAB>test<TAB>detail` line per test case of a JUnit XML file
(pytest --junitxml), for run.sh's ok / skip / not ok lines."""
import sys
import xml.etree.ElementTree as ET

for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    name = case.get("name")
    failure = case.find("failure")
    if failure is None:
        failure = case.find("error")
    skipped = case.find("skipped")
    if failure is not None:
        detail = ((failure.get("message") or "") + "\n" + (failure.text or ""))[-3000:]
        print("fail", name, detail.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n"), sep="\t")
    elif skipped is not None:
        print("skip", name, (skipped.get("message") or "").replace("\n", " "), sep="\t")
    else:
        print("pass", name, "", sep="\t")
