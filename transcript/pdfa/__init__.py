"""The national package's container: PDF/A-3U with the signed XML embedded (`container`) and
its sRGB output intent (`icc`)."""
