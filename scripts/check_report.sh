#!/usr/bin/env bash
# Checks an HTML report the way people see it: headless Chromium renders the page, and the
# check fails (exit 1, saying what is missing) unless
#   - the screenshot exists, has the window's size and is not blank (enough pixels differ from
#     the background colour: not an empty page, nor one that failed to paint);
#   - the rendered DOM has at least N <svg> plots, each with a non-zero size (width and height
#     attributes or a viewBox) and a non-zero box after layout, whose part of the screenshot
#     is drawn too;
#   - every --expect-id element is in the rendered DOM.
#
#   scripts/check_report.sh runs/nb201-raspi4/report.html --png /tmp/report.png \
#       --expect-id pareto --expect-id trials --min-plots 1
#
# Options: --png OUT.png keeps the screenshot (default: a temporary file); --expect-id ID (any
# number of times); --min-plots N (default 0); --width W (default 1280); --height H (default:
# the page's rendered height, so the screenshot shows all of it; at most 16384).
# Environment: CHROMIUM (default: chromium, then chromium-browser), CHECK_REPORT_TIMEOUT
# (seconds per Chromium run, default 60: headless Chromium can hang).
# Exit codes: 0 all checks pass, 1 a check failed, 2 bad usage or Chromium did not run.
#
# Needs chromium and python3 with PIL (Debian: chromium, python3-pil; scripts/install-deps.sh).
# The page is rendered twice: once as it is, for the screenshot, and once as a copy with a
# small script appended that records each <svg>'s box after layout and the page's height in
# data- attributes, for --dump-dom (the DOM after rendering). The copy lives in a temporary
# folder, so a page that loads files relative to itself would miss them there; hwnas reports
# are self-contained.
set -euo pipefail

usage() {
  sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

report="" png="" min_plots=0 width=1280 height="" ids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --png) png="${2:?--png needs a file}"; shift 2 ;;
    --expect-id) ids+=("${2:?--expect-id needs an id}"); shift 2 ;;
    --min-plots) min_plots="${2:?--min-plots needs a number}"; shift 2 ;;
    --width) width="${2:?--width needs a number}"; shift 2 ;;
    --height) height="${2:?--height needs a number}"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "check_report: unknown option $1" >&2; usage ;;
    *) [ -z "$report" ] || { echo "check_report: one report at a time ($report, $1)" >&2; exit 2; }
       report="$1"; shift ;;
  esac
done
[ -n "$report" ] || usage
for n in "$min_plots" "$width" ${height:+"$height"}; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "check_report: '$n' is not a whole number" >&2; exit 2; }
done
[ -f "$report" ] || { echo "check_report: $report: no such file" >&2; exit 2; }

chromium="${CHROMIUM:-}"
if [ -z "$chromium" ]; then
  chromium="$(command -v chromium || command -v chromium-browser || true)"
fi
if [ -z "$chromium" ] || ! command -v "$chromium" >/dev/null; then
  echo "check_report: chromium not found (Debian package chromium; scripts/install-deps.sh)" >&2
  exit 2
fi
# Debian's PIL is installed for /usr/bin/python3, which need not be the first python3 on PATH.
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
"$python" -c 'import PIL' 2>/dev/null ||
  { echo "check_report: $python cannot import PIL (Debian package python3-pil)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
report_abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
[ -n "$png" ] || png="$work/screenshot.png"
rm -f "$png"

# A throwaway profile per run; --no-sandbox because Chromium's sandbox refuses to run as root
# (as in containers and CI); no GPU in headless runs on servers.
run_chromium() {
  local profile
  profile="$(mktemp -d "$work/profile.XXXX")"
  timeout "${CHECK_REPORT_TIMEOUT:-60}" "$chromium" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --hide-scrollbars --no-first-run --no-default-browser-check \
    --disable-extensions --user-data-dir="$profile" "$@" 2>>"$work/chromium.log"
}
chromium_failed() {
  echo "check_report: FAIL: chromium $1 (exit $2); its messages:" >&2
  tail -n 20 "$work/chromium.log" >&2
  exit 2
}

# The instrumented copy: the boxes are recorded at load, when layout and fonts are done.
"$python" - "$report_abs" "$work/measured.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8", errors="replace").read()
probe = """<script>(function () {
  function measure() {
    document.querySelectorAll("svg").forEach(function (s) {
      var r = s.getBoundingClientRect();
      s.setAttribute("data-check-box", [r.left + scrollX, r.top + scrollY, r.width, r.height].join(" "));
    });
    document.documentElement.setAttribute("data-check-height", document.documentElement.scrollHeight);
  }
  measure();
  addEventListener("load", measure);
})();</script>"""
ends = [m.start() for m in re.finditer(r"</body\s*>", page, re.I)]
page = page[:ends[-1]] + probe + page[ends[-1]:] if ends else page + probe
open(sys.argv[2], "w", encoding="utf-8").write(page)
PY

# The boxes depend on the window's width only (the layout has no viewport-height CSS), so one
# run measures the page's height and its plots; in headless Chromium the --dump-dom viewport
# is shorter than the window (by its frame), the --screenshot one is the window.
rc=0
run_chromium --window-size="$width,${height:-1000}" --dump-dom "file://$work/measured.html" >"$work/dom.html" || rc=$?
[ $rc -eq 0 ] || chromium_failed "--dump-dom timed out or failed" $rc
if [ -z "$height" ]; then
  height="$(grep -o 'data-check-height="[0-9]*"' "$work/dom.html" | head -n 1 | grep -o '[0-9]\+' || true)"
  [ -n "$height" ] || { echo "check_report: FAIL: the page's script did not run (no height in the rendered DOM)" >&2; exit 1; }
  [ "$height" -le 16384 ] || height=16384
  [ "$height" -ge 200 ] || height=200
fi
run_chromium --window-size="$width,$height" --screenshot="$png" "file://$report_abs" >/dev/null || rc=$?
[ $rc -eq 0 ] || chromium_failed "--screenshot timed out or failed" $rc

"$python" - "$report" "$png" "$work/dom.html" "$width" "$height" "$min_plots" ${ids[@]+"${ids[@]}"} <<'PY'
import os, re, sys
from html.parser import HTMLParser
from PIL import Image

report, png, dom_file, width, height, min_plots = sys.argv[1:7]
width, height, min_plots = int(width), int(height), int(min_plots)
expected_ids = sys.argv[7:]
failures, notes = [], []

# Blank: next to nothing off the background colour (an empty page, or one that failed to
# paint). The thresholds are low, so that a few lines of text on a tall window pass; the plots
# are checked on their own below, on their part of the screenshot.
def drawn(img):
    colors = img.getcolors(maxcolors=img.width * img.height) or []
    total = img.width * img.height
    background = max(colors)[0] if colors else total
    return 1 - background / total, len(colors)

shot = None
if not os.path.isfile(png) or os.path.getsize(png) == 0:
    failures.append(f"no screenshot: chromium wrote no {png}")
else:
    shot = Image.open(png).convert("RGB")
    if shot.size != (width, height):
        failures.append(f"screenshot is {shot.width}x{shot.height}, expected the window's {width}x{height}")
    share, ncolors = drawn(shot)
    notes.append(f"screenshot {shot.width}x{shot.height}: {share:.1%} of pixels off the background, {ncolors} colours")
    if share < 0.001 or ncolors < 8:
        failures.append(f"the page looks blank: {share:.2%} of pixels differ from the background, {ncolors} colours")


def number(s):
    m = re.match(r"\s*([0-9]*\.?[0-9]+)", s or "")
    return float(m.group(1)) if m else 0.0


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.svgs, self.depth = set(), [], 0  # depth: inside an <svg>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "svg":
            if self.depth == 0:
                self.svgs.append(a)
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.depth > 0:
            self.depth -= 1


dom = Dom()
dom.feed(open(dom_file, encoding="utf-8", errors="replace").read())

plots, problems = [], []
for i, a in enumerate(dom.svgs, 1):
    view = (a.get("viewbox") or "").replace(",", " ").split()
    w, h = number(a.get("width")), number(a.get("height"))
    vw, vh = (number(view[2]), number(view[3])) if len(view) == 4 else (0, 0)
    box = [float(v) for v in (a.get("data-check-box") or "0 0 0 0").split()]
    name = f"svg {i}" + (f" ({a['id']})" if a.get("id") else "")
    if not ((w > 0 and h > 0) or (vw > 0 and vh > 0)):
        problems.append(f"{name}: no size (width={a.get('width')!r} height={a.get('height')!r} viewBox={a.get('viewbox')!r})")
        continue
    if box[2] <= 0 or box[3] <= 0:
        problems.append(f"{name}: laid out as {box[2]:g}x{box[3]:g} px (hidden or collapsed)")
        continue
    if shot is not None:
        left, top = max(0, int(box[0])), max(0, int(box[1]))
        right, bottom = min(shot.width, int(box[0] + box[2])), min(shot.height, int(box[1] + box[3]))
        if right <= left or bottom <= top:
            problems.append(f"{name}: at {box[0]:g},{box[1]:g}, outside the {shot.width}x{shot.height} screenshot")
            continue
        share, ncolors = drawn(shot.crop((left, top, right, bottom)))
        if share < 0.005 or ncolors < 4:
            problems.append(f"{name}: its {right - left}x{bottom - top} px on screen are blank ({share:.2%} drawn, {ncolors} colours)")
            continue
    plots.append(f"{box[2]:g}x{box[3]:g} px at {box[0]:g},{box[1]:g}")

notes.append(f"{len(dom.svgs)} <svg> in the rendered DOM, {len(plots)} drawn plot(s): " + ("; ".join(plots) or "none"))
if len(plots) < min_plots:
    failures.append(f"{len(plots)} drawn plot(s), expected at least {min_plots}" +
                    "".join(f"\n    {p}" for p in problems or ["the page has no <svg> element"]))
missing = [i for i in expected_ids if i not in dom.ids]
if missing:
    failures.append("missing element id(s): " + ", ".join(missing) +
                    f" (the rendered page has ids: {', '.join(sorted(dom.ids)) or 'none'})")
elif expected_ids:
    notes.append("ids present: " + ", ".join(expected_ids))

for n in notes:
    print(f"check_report: {report}: {n}")
if failures:
    for f in failures:
        print(f"check_report: FAIL: {report}: {f}", file=sys.stderr)
    sys.exit(1)
print(f"check_report: ok: {report}")
PY
