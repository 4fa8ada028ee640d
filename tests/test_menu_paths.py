"""Every menu path the app writes for a user ("File → Open images…", "View → Message log…") names an item its menus
have. They are written by hand in a dozen messages and hints, and a renamed item left them naming what the menus no
longer show (Quick start's "Edit → Morph" once, the empty canvas's "File → Open" before that). README.md and
docs/*.md too."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtWidgets import QMenu

from genimg_gui.ui.action_texts import reopen_text
from genimg_gui.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
MENU_PATH = re.compile(r"\b([A-Z][a-z]+) → (?=([^\n`]+))")  # the lookahead leaves a line's later paths to match


def plain(text: str) -> str:
    return text.replace("&", "")


def menu_items(window: MainWindow) -> dict[str, list[str]]:
    """Each menu bar title, with the texts of its items and of its submenus' titles, as shown; Reopen's also as it
    reads once an image is closed (*Reopen “cat.png”*), by the words before the name."""
    items: dict[str, list[str]] = {}
    for top in window.menuBar().actions():
        menu: QMenu = top.menu()
        items[plain(top.text())] = [plain(a.text()) for a in menu.actions() if a.text()]
    items["File"].append(plain(reopen_text("cat.png")).split("“")[0].strip())
    return items


def names_item(rest: str, item: str) -> bool:
    """What follows the arrow begins with the item's whole words (italics aside: *Undo delete “…”* is Undo's)."""
    rest = rest.lstrip("*")
    return rest.startswith(item) and not rest[len(item):len(item) + 1].isalnum()


def said_texts(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that a user may read: every one but docstrings (comments are not literals)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def written_paths() -> list[tuple[str, str, str]]:
    """(where, menu title, what follows the arrow) for each menu path in the app's strings, the README and docs/."""
    found = [(f"{path.relative_to(ROOT)}:{line}", *match.groups())
             for path in sorted((ROOT / "genimg_gui").rglob("*.py")) for line, text in said_texts(path)
             for match in MENU_PATH.finditer(text)]
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:  # the README's reference is in docs/
        lines = doc.read_text(encoding="utf-8").splitlines()
        found += [(f"{doc.relative_to(ROOT)}:{n}", *match.groups()) for n, line in enumerate(lines, 1)
                  for match in MENU_PATH.finditer(line)]
    return found


def test_every_menu_path_written_for_a_user_names_an_item_of_that_menu(qtbot, engine):
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    menus = menu_items(window)
    paths = written_paths()
    assert len(paths) >= 10  # the scan finds them: the canvas's, the start hint's, the log's, the README's…
    wrong = [f"{where}: {title} → {rest[:40]}" for where, title, rest in paths
             if title in menus and not any(names_item(rest, item) for item in menus[title])]
    assert wrong == [], f"menus have: {menus}"  # (a title no menu has is words: "style: Google → Twitter")
