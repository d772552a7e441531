"""The interaction models shipped to Alexa: their templates' syntax, the generator, the language
rules that tell varied samples apart (docs/language-understanding.md)."""
