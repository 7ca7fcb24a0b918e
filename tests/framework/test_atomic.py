import os
import stat

import pytest

from vpncc import atomic
from vpncc.errors import InputError


def test_creates_0600(tmp_path):
    out = tmp_path / "r1.cfg"
    atomic.write_atomic(out, "hello\n")
    assert out.read_text() == "hello\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_failure_mid_write_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "r1.cfg"
    out.write_text("old config\n")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(InputError) as e:
        atomic.write_atomic(out, "new config\n")
    assert "No space left" in str(e.value)
    assert out.read_text() == "old config\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r1.cfg"]


def test_interrupt_mid_write_keeps_old_file(tmp_path, monkeypatch):
    out = tmp_path / "r1.cfg"
    out.write_text("old\n")

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(out, "new\n")
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r1.cfg"]


def test_unwritable_target_is_input_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(InputError) as e:
        atomic.write_atomic(blocker / "x.cfg", "x")
    assert "cannot write output" in str(e.value)
    assert blocker.read_text() == "a file where a directory should be"


def test_dev_null_is_written_through():
    atomic.write_atomic("/dev/null", "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_write_tree_refuses_path_tricks(tmp_path):
    with pytest.raises(InputError):
        atomic.write_tree(tmp_path / "b", {"../escape.cfg": "x"})
    written = atomic.write_tree(tmp_path / "b", {"swanctl.conf": "a", "setup.sh": "b"})
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [0o600, 0o700]
