# One image for every reelwire app; docker-compose.yml picks the entry point per service. Node 24 LTS, the newest
# runtime CI tests (README, "Supported runtimes").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist dist
COPY migrations migrations
USER node
CMD ["node", "dist/apps/admin-api/src/main.js"]
