"""phonenumbers with every region's metadata loaded now, at import, outside any Temporal workflow sandbox.

phonenumbers loads a region's metadata lazily, on the first number of that region, by importing a data module while
holding a module-level lock it releases without `finally`. Inside a workflow sandbox that import is refused, the lock
stays held, and every later parse in the process blocks: a fresh worker whose first E.164 check ran in a workflow
(a delivery's payload) deadlocked every workflow task after it (found by tests/integration/faults/
test_delivery_killed.py). Every domain module that parses numbers imports this one first; loading all regions
takes about 0.15 s once per process.
"""

from __future__ import annotations

import phonenumbers

phonenumbers.PhoneMetadata.load_all()
