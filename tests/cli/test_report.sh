# leaksim report: generate -> detect -> report on the small scenario; exit codes,
# --force, no leftovers, determinism, and the HTML checked by python3's XML and
# HTML parsers (well-formed, nothing external, one lane per log, a mark per alert).
. "$(dirname "$0")/lib.sh"

"$LEAKSIM" generate --scenario small --out "$T/ds" --quiet
"$LEAKSIM" detect --rules "$(dirname "$0")/../../rules" --out "$T/alerts.jsonl" "$T/ds" 2>/dev/null
nalerts=$(wc -l <"$T/alerts.jsonl" | tr -d ' ')
if [ "$nalerts" -gt 0 ]; then pass "detect found $nalerts alerts"; else fail "detect found alerts"; fi

mkdir "$T/html"
expect_rc 0 "report writes the HTML" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/html/r.html"
expect_in err "$nalerts alerts" "the summary counts the alerts"
if head -c 32 "$T/html/r.html" | grep -q '^<!DOCTYPE html>'; then pass "it is an HTML document"; else fail "it is an HTML document"; fi
cp "$T/html/r.html" "$T/first.html"

# Never overwrite without --force; nothing is left behind.
expect_rc 2 "an existing file is refused" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/html/r.html"
expect_in err "already exists (use --force to overwrite)" "the refusal says how to overwrite"
if cmp -s "$T/html/r.html" "$T/first.html"; then pass "the existing file is untouched"; else fail "the existing file is untouched"; fi
expect_rc 0 "--force replaces it" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/html/r.html" --force
if [ "$(ls -A "$T/html")" = "r.html" ]; then pass "no temporary file is left"; else fail "no temporary file is left" "$(ls -A "$T/html")"; fi

# Deterministic: the same inputs give the same bytes.
"$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/second.html" 2>/dev/null
if cmp -s "$T/html/r.html" "$T/second.html"; then pass "the same inputs give the same bytes"; else fail "the same inputs give the same bytes"; fi
mkdir "$T/elsewhere"
cp -r "$T/ds" "$T/elsewhere/moved"
cp "$T/alerts.jsonl" "$T/elsewhere/a.jsonl"
"$LEAKSIM" report --dataset "$T/elsewhere/moved" --alerts "$T/elsewhere/a.jsonl" --out "$T/elsewhere/r.html" 2>/dev/null
if cmp -s "$T/html/r.html" "$T/elsewhere/r.html"; then pass "the same inputs elsewhere give the same bytes"; else fail "the same inputs elsewhere give the same bytes"; fi

# Nothing external, in any spelling a browser would fetch.
if grep -qiE 'https?:|//|url\(|@import|<link|<img|<iframe| src=' "$T/html/r.html"; then
	fail "no external reference" "$(grep -oiE '.{30}(https?:|//|url\(|@import|<link|<img|<iframe| src=).{30}' "$T/html/r.html" | head -3)"
else
	pass "no external reference"
fi

if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/html/r.html" "$nalerts" >"$T/py" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser

path, nalerts = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
problems = []

# 1. Well-formed XML (so every element is closed and every '&' is a reference).
try:
    root = ET.fromstring(text.split("\n", 1)[1])
except ET.ParseError as e:
    print("not well-formed:", e)
    sys.exit(1)

# 2. The HTML parser sees the same balanced tree (void elements aside).
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
class Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            problems.append("unbalanced </%s> after %s" % (tag, self.stack[-3:]))
        else:
            self.stack.pop()
p = Balance()
p.feed(text)
p.close()
if p.stack:
    problems.append("unclosed: %s" % p.stack)

# 3. Links stay in the page; nothing is loaded.
for el in root.iter():
    for k, v in el.attrib.items():
        if k in ("src", "action", "xlink:href", "background", "poster"):
            problems.append("attribute %s=%r" % (k, v))
        if k == "href" and not v.startswith("#"):
            problems.append("external link %r" % v)
if root.tag != "html" or root.find("head/meta[@http-equiv='Content-Security-Policy']") is None:
    problems.append("no Content-Security-Policy")

# 4. The timeline: one lane per log of the dataset, one mark per alert.
views = [svg for svg in root.iter("svg") if svg.get("class") == "timeline"]
names = [v.get("data-view") for v in views]
if names[:2] != ["view-period", "view-campaign"]:
    problems.append("views %s" % names)
for v in views:
    lanes = [g.get("data-source") for g in v.iter("g") if g.get("class") == "lane"]
    if lanes != ["db_audit", "auth", "conn", "dns", "ssl", "proxy", "sysmon", "dhcp", "messaging"]:
        problems.append("%s: lanes %s" % (v.get("data-view"), lanes))
period = views[0]
marks = [e for e in period.iter() if (e.get("class") or "").startswith("mk ")]
alerts = {e.get("data-alert") for e in marks}
if len(alerts) != nalerts:
    problems.append("%d alerts marked of %d" % (len(alerts), nalerts))
if any(e.find("title") is None for e in marks):
    problems.append("a mark without a tooltip")
if not any("tp" in e.get("class").split() for e in marks):
    problems.append("no true alert marked")

# 5. The other sections.
ids = {e.get("id") for e in root.iter() if e.get("id")}
for want in ("timeline", "bytes", "scores", "truth", "rules", "steps", "techniques", "levels", "operations"):
    if want not in ids:
        problems.append("no section %s" % want)
if not [e for e in root.iter("polyline") if "campaign" in (e.get("class") or "")]:
    problems.append("the insider's laptop is not drawn in the bytes chart")

for pr in problems:
    print(pr)
print("checked %d marks, %d views" % (len(marks), len(views)))
sys.exit(1 if problems else 0)
EOF
	if [ $? -eq 0 ]; then pass "python3: well-formed, nothing external, lanes and marks ($(tail -n 1 "$T/py"))"; else fail "python3 checks" "$(head -c 1500 "$T/py")"; fi
else
	echo "# python3 is not installed: the parser checks are skipped"
fi

# No alerts at all: still a report, with the verdict that says so.
: >"$T/none-fired.jsonl"
expect_rc 0 "a report without alerts" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/none-fired.jsonl" --out "$T/quiet.html"
if grep -q '<p class="verdict miss">Incident NOT detected' "$T/quiet.html"; then pass "the verdict says not detected"; else fail "the verdict says not detected"; fi

# Bad inputs exit 2 with a message and write nothing.
expect_rc 2 "missing alerts file" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/none.jsonl" --out "$T/html/x.html"
expect_in err "none.jsonl: cannot open" "the missing alerts file is named"
head -n 1 "$T/alerts.jsonl" >"$T/bad.jsonl"
printf '{"rule_id":"x","title":\n' >>"$T/bad.jsonl"
expect_rc 2 "malformed alerts" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/bad.jsonl" --out "$T/html/x.html"
expect_in err "bad.jsonl:2:" "the malformed line is located"
cp -r "$T/ds" "$T/nokey"
rm "$T/nokey/truth/answer-key.json"
expect_rc 2 "a dataset without an answer key" "$LEAKSIM" report --dataset "$T/nokey" --alerts "$T/alerts.jsonl" --out "$T/html/x.html"
expect_in err "answer-key.json" "the missing answer key is named"
printf '{"days":' >"$T/nokey/manifest.json"
expect_rc 2 "a broken manifest" "$LEAKSIM" report --dataset "$T/nokey" --alerts "$T/alerts.jsonl" --out "$T/html/x.html"
expect_in err "manifest.json:1:" "the manifest error is located"
expect_rc 2 "not a dataset directory" "$LEAKSIM" report --dataset "$T/none" --alerts "$T/alerts.jsonl" --out "$T/html/x.html"
expect_in err "not a dataset directory" "the directory is named"
expect_rc 2 "an output directory that does not exist" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/nodir/x.html"
if [ "$(ls -A "$T/html")" = "r.html" ]; then pass "failed runs leave nothing"; else fail "failed runs leave nothing" "$(ls -A "$T/html")"; fi
expect_rc 2 "--out is required" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl"
expect_in err "are required" "the required options are named"
expect_rc 2 "an unknown option" "$LEAKSIM" report --bogus
expect_rc 2 "an extra argument" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/html/y.html" extra
expect_rc 0 "--help" "$LEAKSIM" report --help
expect_in out "usage: leaksim report --dataset DIR --alerts FILE --out FILE.html [--force]" "--help prints the usage"
expect_rc 0 "leaksim help report" "$LEAKSIM" help report
expect_in out "usage: leaksim report" "help report prints the usage"
