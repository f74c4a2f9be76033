"""Publication output: APA tables and path diagrams (``report``), figures (``plots``), and
the whole analysis from survey to Word/HTML report (``analysis``, as
``ir.report.analysis_report``)."""
