# One image for the api, worker and voice services (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps .
ENV REVOS_API_HOST=0.0.0.0 REVOS_VOICE_HOST=0.0.0.0
CMD ["revos", "api"]
