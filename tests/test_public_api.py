"""The public API is curated: __all__ exists, is sorted, and misses nothing public."""

from __future__ import annotations

import inspect

import toolkit


def test_all_is_sorted_and_unique() -> None:
    assert toolkit.__all__ == sorted(set(toolkit.__all__))


def test_every_name_in_all_exists() -> None:
    missing = [name for name in toolkit.__all__ if not hasattr(toolkit, name)]
    assert missing == []


def test_every_public_function_and_class_is_in_all() -> None:
    public = {
        name
        for name, obj in vars(toolkit).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__.startswith("toolkit")
    }
    assert public - set(toolkit.__all__) == set()
