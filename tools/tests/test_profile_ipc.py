"""tools/profile_ipc.py: one round trip is cut from a trace exactly."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import profile_ipc  # noqa: E402

ENTRY = 0xffffffff80100000


class OneRoundTrip(unittest.TestCase):
    def test_from_the_third_entry_to_the_fifth(self):
        # client call, server reply-and-receive, then the measured pair
        trace = [1, ENTRY, 2, ENTRY, 3, ENTRY, 4, 5, ENTRY, 6, ENTRY, 7]
        self.assertEqual(profile_ipc.one_round_trip(trace, ENTRY),
                         [ENTRY, 4, 5, ENTRY, 6])

    def test_too_short_a_trace_is_an_error(self):
        with self.assertRaises(SystemExit):
            profile_ipc.one_round_trip([ENTRY, 1, ENTRY, 2], ENTRY)


if __name__ == "__main__":
    unittest.main()
