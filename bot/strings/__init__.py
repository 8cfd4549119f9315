"""String tables, one module per surface; `bot.i18n` merges them and is the only lookup."""
