"""Prompts: which AI code to ask about, the answer checks, the explanation document, re-asking."""
