"""Survey data in and out: reading exports (``io``), codebooks, the bundled ``datasets``,
data-quality screens and anonymisation. Scoring of items lives with the instruments in
``im_research.scales.scoring``."""
