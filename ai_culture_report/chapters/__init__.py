"""Chapter-specific facts and charts, one module per chapter, so notebooks stay thin."""
