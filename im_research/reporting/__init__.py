"""Publication output: APA tables and path diagrams (``report``), figures (``plots``)."""
