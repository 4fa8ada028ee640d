"""Settings that outlive a run (QSettings in an INI file under paths.config_dir()):
the last models and device, the window's geometry and docks, recent files."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from ..paths import config_dir

MAX_RECENT = 10


class Settings:
    def __init__(self, path: str | None = None) -> None:
        self.q = QSettings(path or str(config_dir() / "settings.ini"), QSettings.Format.IniFormat)

    def last_model(self, kind: str) -> str | None:
        return self.q.value(f"models/{kind}", None, str) or None

    def set_last_model(self, kind: str, path: str) -> None:
        self.q.setValue(f"models/{kind}", path)

    def device(self) -> str | None:
        return self.q.value("device", None, str) or None

    def set_device(self, device: str) -> None:
        self.q.setValue("device", device)

    def recent_files(self) -> list[str]:
        value = self.q.value("recent_files", [], list)
        return [str(v) for v in (value or [])]

    def add_recent(self, paths: list[str]) -> list[str]:
        recent = list(dict.fromkeys([*paths, *self.recent_files()]))[:MAX_RECENT]
        self.q.setValue("recent_files", recent)
        return recent

    def clear_recent(self) -> None:
        self.q.setValue("recent_files", [])

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.q.value("window/geometry", None), self.q.value("window/state", None)

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)

    def sync(self) -> None:
        self.q.sync()
