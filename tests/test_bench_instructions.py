"""benchmarks/instructions.py: a phase's instructions are its child's count less the start-up's, per request."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from instructions import Count, collected, inclusive, per_request  # noqa: E402


def test_the_count_is_read_from_what_callgrind_reports_last():
    stderr = "==12== Callgrind, a call-graph generating cache profiler\n==12== Events    : Ir\n==12== Collected : 3232193245\n"
    assert collected(stderr) == 3_232_193_245


def test_a_child_without_a_count_is_an_error_that_shows_valgrinds_output():
    with pytest.raises(RuntimeError, match="(?s)no instruction count.*valgrind: fatal"):
        collected("valgrind: fatal error: no such tool\n")


def test_the_start_up_is_taken_off_before_dividing_by_the_requests():
    assert per_request(Count(5_000), Count(1_000), 8) == 500
    assert per_request(Count(1_000), Count(1_000), 0) == 0  # no request: nothing to divide, no crash


ANNOTATED = """\
--------------------------------------------------------------------------------
Ir                        file:function
--------------------------------------------------------------------------------
  7,539,334,269 (100.0%)  ???:(below main) [/usr/bin/python3.11]
    812,000,000 (10.77%)  ???:SSL_do_handshake'2 [/usr/lib/x86_64-linux-gnu/libssl.so.3]
  1,039,019,621 (13.78%)  ???:SSL_do_handshake [/usr/lib/x86_64-linux-gnu/libssl.so.3]
"""


def test_a_functions_instructions_are_its_own_line_not_a_recursions_inner_copy():
    assert inclusive(ANNOTATED, "SSL_do_handshake") == 1_039_019_621
    assert inclusive(ANNOTATED, "SSL_read") == 0


def test_without_handshakes_the_instructions_in_them_are_taken_off_too():
    phase, startup = Count(9_000, in_handshakes=3_000), Count(1_000, in_handshakes=1_000)
    assert per_request(phase, startup, 4) == 2_000
    assert per_request(phase, startup, 4, handshakes=False) == 1_500
