"""A local PaSS API emulator: serves a folder of artefacts the way SPEC §7 describes.

Used by the tests of :mod:`recon.pass_client.client` and by ``recon emulator`` for demos.
"""

from recon.emulator.faults import Faults
from recon.emulator.server import EmulatorConfig, PassEmulator, RequestRecord

__all__ = ["EmulatorConfig", "Faults", "PassEmulator", "RequestRecord"]
