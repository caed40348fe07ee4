# leaksim report in a real browser: headless Chromium renders the report of the
# small scenario, which must load without a script error or a refused fetch,
# lay out its timeline with one mark per alert and lane, run its view switcher,
# and paint a screenshot that is a picture rather than a blank page.
#
# Chromium comes from Debian (scripts/deps.sh --browser installs it when it is
# missing and we are root with apt-get); only where it cannot be installed is
# the test skipped, and it says so.
#
# How errors are caught, twice over:
#   1. A copy of the report gets a probe: a script at the top of <head> that
#      records every uncaught error, unhandled rejection, Content-Security-
#      Policy violation (any attempt to fetch something) and console.error
#      call into attributes of <html>, and a script at the end of <body> that
#      measures the laid-out timelines and marks. --dump-dom prints the DOM
#      after the page has loaded, so the attributes carry the results out.
#      This does not depend on Chromium's log format.
#   2. The unmodified report is rendered to PNG with the browser's console
#      logged to stderr (--enable-logging=stderr --v=0), which must hold no
#      console error, "Uncaught" exception or refused load.
. "$(dirname "$0")/../cli/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

# deps.sh --browser as an ordinary user on a machine without chromium: it must
# print the exact apt-get command and fail, running nothing. PATH holds only
# the fakes, so chromium is not found even where it is installed.
mkdir -p "$T/fakebin"
printf '#!/bin/sh\necho 1000\n' >"$T/fakebin/id"
printf '#!/bin/sh\necho "apt-get must not run" >&2; exit 99\n' >"$T/fakebin/apt-get"
chmod +x "$T/fakebin/id" "$T/fakebin/apt-get"
expect_rc 1 "deps.sh --browser without chromium, not root: exit 1" \
	env PATH="$T/fakebin" /bin/sh "$top/scripts/deps.sh" --browser
expect_in err "sudo apt-get install chromium" "deps.sh --browser prints the apt-get command"
if grep -q "must not run" "$T/err"; then fail "apt-get is not run as non-root"; else pass "apt-get is not run as non-root"; fi

find_browser() {
	command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || true
}
browser=$(find_browser)
if [ -z "$browser" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		if sh "$top/scripts/deps.sh" --browser >"$T/deps.log" 2>&1; then
			pass "chromium installed with apt-get"
		else
			fail "chromium installs with apt-get" "$(tail -n 5 "$T/deps.log")"
			exit 0
		fi
		browser=$(find_browser)
	else
		echo "# skipped: chromium not installable here (not root, or no apt-get);" \
			"install it with: sudo apt-get install chromium"
		exit 0
	fi
fi
[ -n "$browser" ] || { fail "chromium is on PATH after installing it"; exit 0; }
if ! command -v python3 >/dev/null 2>&1; then
	echo "# skipped: python3 is not installed (it reads the DOM dump and the PNG)"
	exit 0
fi

start=$(date +%s)
"$LEAKSIM" generate --scenario small --out "$T/ds" --quiet
"$LEAKSIM" detect --rules "$top/rules" --out "$T/alerts.jsonl" "$T/ds" 2>/dev/null
expect_rc 0 "report of the small scenario" "$LEAKSIM" report --dataset "$T/ds" --alerts "$T/alerts.jsonl" --out "$T/report.html"
nalerts=$(wc -l <"$T/alerts.jsonl" | tr -d ' ')

# Chromium as root needs --no-sandbox; the other flags keep it from reaching
# for the network (which is closed here) and from touching a real profile.
chrome() {
	profile=$1
	shift
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$T/profile-$profile" "$@"
}

# 1. The probed copy: errors and layout, read back from the DOM dump.
python3 - "$T/report.html" "$T/probed.html" <<'EOF'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
head = """<script>
(function () {
  var root = document.documentElement, errors = [];
  function note(what) {
    errors.push(String(what).replace(/\\s+/g, ' ').slice(0, 200));
    root.setAttribute('data-probe-errors', errors.join(' | '));
  }
  window.addEventListener('error', function (e) { note('error: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) { note('rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    note('blocked: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  var ce = console.error;
  console.error = function () { note('console.error: ' + Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); };
  root.setAttribute('data-probe-errors', '');
})();
</script>"""
tail = """<script>
(function () {
  var root = document.documentElement;
  var svgs = document.querySelectorAll('svg.timeline');
  var period = document.querySelector('svg.timeline[data-view="view-period"]');
  var box = period ? period.getBoundingClientRect() : { width: 0, height: 0 };
  var lanes = period ? period.querySelectorAll('g.lane').length : 0;
  var marks = period ? period.querySelectorAll('.mk') : [];
  var drawn = 0, alerts = {};
  Array.prototype.forEach.call(marks, function (m) {
    var r = m.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.left >= box.left && r.right <= box.right + 1) {
      drawn++;
      alerts[m.getAttribute('data-alert')] = true;
    }
  });
  root.setAttribute('data-probe-timelines', String(svgs.length));
  root.setAttribute('data-probe-width', String(Math.round(box.width)));
  root.setAttribute('data-probe-height', String(Math.round(box.height)));
  root.setAttribute('data-probe-lanes', String(lanes));
  root.setAttribute('data-probe-marks', String(marks.length));
  root.setAttribute('data-probe-drawn', String(drawn));
  root.setAttribute('data-probe-alerts', String(Object.keys(alerts).length));
  root.setAttribute('data-probe-buttons', String(document.querySelectorAll('#views button').length));
  /* The view switcher: one view, then all of them again. */
  var buttons = document.querySelectorAll('#views button');
  var figs = document.querySelectorAll('figure.view');
  function shown() {
    return Array.prototype.filter.call(figs, function (f) { return f.getBoundingClientRect().height > 0; }).length;
  }
  var toggle = 'no buttons';
  if (buttons.length === figs.length + 1) {
    buttons[2].click();
    var one = shown();
    buttons[0].click();
    var all = shown();
    toggle = (one === 1 ? 'one' : 'one failed: ' + one) + ',' + (all === figs.length ? 'all' : 'all failed: ' + all);
  }
  root.setAttribute('data-probe-toggle', toggle);
  root.setAttribute('data-probe-box', [box.left, box.top + window.scrollY, box.right, box.bottom + window.scrollY].map(Math.round).join(','));
  root.setAttribute('data-probe-done', 'yes');
})();
</script>"""
assert html.count("<head>") == 1 and html.count("</body>") == 1
html = html.replace("<head>", "<head>\n" + head, 1).replace("</body>", tail + "\n</body>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(html)
EOF
chrome dom --window-size=1400,3000 --dump-dom "file://$T/probed.html" >"$T/dom.html" 2>"$T/dom.err"
if [ $? -eq 0 ] && grep -q 'data-probe-done="yes"' "$T/dom.html"; then
	pass "chromium loaded the report and ran its scripts"
else
	fail "chromium loaded the report and ran its scripts" "$(tail -n 5 "$T/dom.err")"
fi
python3 - "$T/dom.html" "$nalerts" >"$T/dom.check" 2>&1 <<'EOF'
import re, sys
dom, nalerts = open(sys.argv[1], encoding="utf-8").read(), int(sys.argv[2])
tag = re.search(r"<html[^>]*>", dom)
attrs = dict(re.findall(r'data-probe-([a-z]+)="([^"]*)"', tag.group(0) if tag else ""))
problems = []
if attrs.get("errors", "missing") != "":
    problems.append("errors: " + attrs.get("errors", "the probe did not run"))
want = {"lanes": 9, "alerts": nalerts}
for k, v in want.items():
    if int(attrs.get(k, -1)) != v:
        problems.append("%s: %s, expected %d" % (k, attrs.get(k), v))
if int(attrs.get("timelines", 0)) < 2:
    problems.append("timelines: %s" % attrs.get("timelines"))
if int(attrs.get("drawn", -1)) != int(attrs.get("marks", -2)) or int(attrs.get("marks", 0)) < nalerts:
    problems.append("marks laid out: %s of %s" % (attrs.get("drawn"), attrs.get("marks")))
if int(attrs.get("width", 0)) < 1000 or int(attrs.get("height", 0)) < 200:
    problems.append("timeline size %sx%s" % (attrs.get("width"), attrs.get("height")))
if int(attrs.get("buttons", 0)) != int(attrs.get("timelines", 0)) + 1:
    problems.append("view buttons: %s" % attrs.get("buttons"))
if attrs.get("toggle") != "one,all":
    problems.append("view switcher: %s" % attrs.get("toggle"))
for p in problems:
    print(p)
print("%s timelines, %s lanes, %s marks drawn for %s alerts, %s buttons that switch views, %sx%s px" % (
    attrs.get("timelines"), attrs.get("lanes"), attrs.get("drawn"), attrs.get("alerts"),
    attrs.get("buttons"), attrs.get("width"), attrs.get("height")))
sys.exit(1 if problems else 0)
EOF
if [ $? -eq 0 ]; then pass "no script error, nothing fetched, the timeline laid out ($(tail -n 1 "$T/dom.check"))"; else fail "the DOM after load" "$(cat "$T/dom.check")"; fi

# 2. The report itself, to PNG, with the console on stderr.
chrome shot --window-size=1400,3000 --hide-scrollbars --enable-logging=stderr --v=0 \
	--screenshot="$T/shot.png" "file://$T/report.html" >"$T/shot.out" 2>"$T/shot.err"
if [ $? -eq 0 ] && [ -s "$T/shot.png" ]; then pass "chromium wrote a screenshot"; else fail "chromium wrote a screenshot" "$(tail -n 5 "$T/shot.err")"; fi
if grep -E 'CONSOLE|Uncaught|Refused to|net::ERR_' "$T/shot.err" >"$T/console"; then
	fail "the browser console is clean" "$(head -n 5 "$T/console")"
else
	pass "the browser console is clean"
fi

# The screenshot is a picture: many colours, and the true alerts' red marks
# inside the box where the browser laid out the whole-period timeline.
box=$(sed -n 's/.*data-probe-box="\([0-9,-]*\)".*/\1/p' "$T/dom.html" | head -n 1)
python3 - "$T/shot.png" "${box:-0,0,0,0}" >"$T/png.check" 2>&1 <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
left, top, right, bottom = (int(v) for v in sys.argv[2].split(","))
pos, idat = 8, []
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat.append(body)
assert depth == 8 and ctype in (2, 6), "unexpected PNG format %d/%d" % (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(b"".join(idat))
stride = w * bpp
# Undo the filters of the rows down to the timeline's bottom (PNG rows depend on those above).
rows = min(h, bottom + 1)
prev = bytearray(stride)
colours, red = set(), 0
for y in range(rows):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    if f == 1:
        for x in range(bpp, stride):
            line[x] = (line[x] + line[x - bpp]) & 255
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for x in range(stride):
            line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + prev[x]) // 2) & 255
    elif f == 4:
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp * 2):
        r, g, b = line[x], line[x + 1], line[x + 2]
        colours.add((r >> 3, g >> 3, b >> 3))
        if r > 150 and g < 90 and b < 80 and top <= y <= bottom and left * bpp <= x <= right * bpp:
            red += 1
problems = []
if len(colours) < 20:
    problems.append("only %d colours: a blank or broken page" % len(colours))
if bottom - top < 200:
    problems.append("no timeline box from the DOM probe: %s" % sys.argv[2])
elif red < 10:
    problems.append("no red alert marks painted in the timeline (%d red pixels)" % red)
print("%dx%d PNG, %d bytes, %d colours, %d red pixels in the timeline" % (w, h, len(data), len(colours), red))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF
if [ $? -eq 0 ]; then pass "the screenshot is not blank ($(head -n 1 "$T/png.check"))"; else fail "the screenshot is not blank" "$(cat "$T/png.check")"; fi
echo "# browser test took $(($(date +%s) - start)) s"
