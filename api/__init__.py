"""HTTP edge: FastAPI app factory, routers, schemas, auth and problem+json errors."""
