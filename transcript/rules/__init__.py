"""What makes a transcript right beyond its schema: business rules (`checks`), grade scales
and GPA rounding (`grades`), course results and summaries (`summary`)."""
