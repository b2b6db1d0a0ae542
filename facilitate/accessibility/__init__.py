"""The accessibility statement (saavutettavuusseloste) the Act on the Provision of Digital
Services (306/2019) requires, and its feedback channel."""
