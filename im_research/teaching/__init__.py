"""The teaching layer: exercises with feedback and grading, notebook widgets, and the
flagship analysis. Thin: every number comes from the library layers below."""
