"""Tests of clientbase.files: files and folders appear whole or not at all."""

import os
import stat

import pytest

from clientbase.files import atomic_file, fill_dir_atomically, replace_dir, sha256_of, write_atomically


def test_write_atomically_replaces_the_file_readable_by_all(tmp_path):
    path = tmp_path / "a" / "page.html"
    write_atomically(path, b"old")
    assert write_atomically(path, b"new") == path
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["page.html"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_file(path) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("killed")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["list.xlsx"]


def test_fill_dir_atomically_gives_way_to_a_folder_published_meanwhile(tmp_path):
    target = tmp_path / "cache"

    def fill(folder):
        (folder / "x.parquet").write_text("mine")
        target.mkdir()
        (target / "x.parquet").write_text("theirs")

    fill_dir_atomically(target, fill)
    assert (target / "x.parquet").read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]


def test_fill_dir_atomically_removes_the_folder_when_filling_fails(tmp_path):
    def fill(folder):
        (folder / "part").write_text("1")
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        fill_dir_atomically(tmp_path / "cache", fill)
    assert list(tmp_path.iterdir()) == []


def test_replace_dir_swaps_in_the_new_folder(tmp_path):
    final, new = tmp_path / "demo", tmp_path / ".demo.tmp"
    final.mkdir()
    (final / "old.csv").write_text("1")
    new.mkdir()
    (new / "new.csv").write_text("2")
    replace_dir(new, final)
    assert [p.name for p in final.iterdir()] == ["new.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


def test_sha256_of_a_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
