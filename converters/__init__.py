"""Input adapters: registrar exports (CSV with mapping profiles) into transcripts."""
