"""recon.emulator."""
