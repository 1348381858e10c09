"""Safety supervision of work sites (安全督查) by drone.

Pure parts: :mod:`.violations` (violation types and required safety measures as TOML data),
:mod:`.workflow` (violation life cycle), :mod:`.mission` (orbit / hover missions over a site),
:mod:`.register` (statistics per crew, contractor and type). :mod:`.service` keeps work sites,
measures and observations in the registry. Who may do what: :mod:`irpatrol.acceptance.permissions`.
"""

__all__: list[str] = []
