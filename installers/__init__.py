"""Building, signing and verifying the installers (AppImage, MSI); see installers/README.md."""
