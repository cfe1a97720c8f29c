"""Configuration from OMS_* environment variables (see README, "Configuration")."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-secret-change-me-dev-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMS_", extra="ignore")

    env: str = "development"  # "production" refuses default secrets and never seeds demo data
    database_url: str | None = None
    redis_url: str | None = None
    queue_name: str = "oms:queue"  # the arq queue the outbox relay feeds and the worker reads
    # Caps every worker job's timeout. arq re-runs the jobs of a crashed worker only once their in-progress lock
    # expires, after the longest job timeout of the worker + 10 s (arq issue #402); the fault tests shorten it.
    job_timeout_cap_s: int | None = None
    demo: bool = False
    jwt_secret: str = DEFAULT_SECRET
    jwt_ttl_s: int = 8 * 3600
    max_body_bytes: int = 1_048_576
    db_pool_size: int = 40
    login_max_failures: int = 5
    login_window_s: int = 300
    data_dir: str = ".data"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    access_log: bool = True
    # Demo mode's shop simulators (`oms run`): unset ports pick free ones; the trickle is a mean, 0 turns it off.
    sandbox_woo_port: int | None = None
    sandbox_shopify_port: int | None = None
    sandbox_trickle_s: float = 45.0
    # Fulfilment: the supplier printed on delivery notes; how often in-transit AWBs are polled.
    company_name: str = "OMS Demo SRL"
    company_address: str = "Str. Republicii 10, Brașov, BV 500030, RO"
    company_vat_code: str = "RO18547290"
    company_registration: str = "J08/1234/2015"
    tracking_poll_s: float = 600.0

    @property
    def production(self) -> bool:
        return self.env == "production"

    def check_production(self) -> None:
        if self.production and self.jwt_secret == DEFAULT_SECRET:
            raise SystemExit("OMS_ENV=production refuses to start with the default OMS_JWT_SECRET")
        if self.production and (not self.database_url or not self.redis_url):
            raise SystemExit("OMS_ENV=production needs OMS_DATABASE_URL and OMS_REDIS_URL")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def async_dsn(url: str) -> str:
    """Any postgres URL as the SQLAlchemy asyncpg form."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url
