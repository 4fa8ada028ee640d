"""Every relative link in README.md and docs/*.md leads to a file that is there, and its #anchor to a heading of
that file (GitHub's rule: lower case, punctuation dropped, spaces as hyphens, -1, -2 … for repeats). The README's
reference moved into docs/, and a section renamed there would leave the README pointing at nothing."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$")


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def anchors(path: Path) -> set[str]:
    """The #anchors GitHub gives the headings of a markdown file (outside fenced code)."""
    seen: dict[str, int] = {}
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            text = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower()).replace(" ", "-")
            count = seen.get(text, 0)
            seen[text] = count + 1
            found.add(text if count == 0 else f"{text}-{count}")
    return found


def prose(path: Path) -> str:
    """The file without its code (indented blocks and `spans`): a link there is an example, not a link."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("    ")]
    return re.sub(r"`[^`\n]*`", "", "\n".join(lines))


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    wrong = []
    text = prose(path)
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a URL: not checked offline
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            wrong.append(f"{path.relative_to(root)}: {target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            wrong.append(f"{path.relative_to(root)}: {target} (no such heading)")
    return wrong


def test_the_anchor_rule_is_githubs():
    readme = anchors(ROOT / "README.md")
    assert {"set-up", "first-five-minutes", "command-line"} <= readme


def test_every_relative_link_in_the_readme_and_docs_leads_somewhere():
    docs = documents()
    assert len(docs) > 1 and sum(len(LINK.findall(prose(p))) for p in docs) >= 10
    assert [w for p in docs for w in broken_links(p)] == []


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / "a.md").write_text("# Top\n\n## Two words\n\n[ok](#two-words) [x](#three) [y](b.md) [z](a.md#top)\n",
                                   encoding="utf-8")
    assert broken_links(tmp_path / "a.md", tmp_path) == ["a.md: #three (no such heading)", "a.md: b.md (no such file)"]
