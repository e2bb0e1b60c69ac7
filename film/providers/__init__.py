"""The engines behind the film: images, voices, moderation.

One module per engine, grouped by kind (`images/`, `voice/`, `moderation/`, each with its
interface in the package's `__init__`), the one registry that hands them out
(`registry.get_provider`) and the one place an OpenAI client is built (`openai_client`).
"""
