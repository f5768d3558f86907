"""The five benefits the collection teaches, in lesson order; ratings name one by its id."""

BENEFITS: dict[str, str] = {
    "trust-and-safety": "Trust and safety",
    "empathy-and-validation": "Empathy and validation",
    "collaboration-and-co-creation": "Collaboration and co-creation",
    "emotional-regulation-and-coping": "Emotional regulation and coping skills",
    "personal-growth-and-self-discovery": "Personal growth and self-discovery",
}
