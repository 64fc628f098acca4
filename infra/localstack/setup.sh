#!/usr/bin/env bash
# Points lackey at LocalStack (https://localstack.cloud) instead of the built-in emulators: creates the
# table, bucket and bus of template.yaml there with the aws CLI, and writes
#   $LACKEY_HOME/localstack/local.env  - for tools on this machine (aws CLI, SDK programs)
#   $LACKEY_HOME/localstack/sam-env.json - for `sam local start-api --env-vars`, whose function
#                                          containers reach LocalStack at $LOCALSTACK_DOCKER_HOST
# Needs: LocalStack running on 127.0.0.1:4566 (Docker), the aws CLI, and a build (./mvnw -DskipTests package).
# Not tested in CI: the machines that build lackey have no Docker.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENDPOINT="${LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}"
DOCKER_ENDPOINT="http://${LOCALSTACK_DOCKER_HOST:-host.docker.internal}:4566"
OUT="${LACKEY_HOME:-./.lackey}/localstack"
CP="$ROOT/infra/local-cloud/target/classes:$(cat "$ROOT/infra/local-cloud/target/classpath.txt")"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"

template() { "$JAVA" -Dlackey.root="$ROOT" -cp "$CP" lackey.local.TemplateResources "$1"; }

curl -sf "$ENDPOINT/_localstack/health" > /dev/null \
  || { echo "LocalStack does not answer at $ENDPOINT (start it: docker run -p 4566:4566 localstack/localstack)" >&2; exit 1; }

# LocalStack accepts any credentials; "test" is its convention.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="$ENDPOINT"

template tables | while read -r table; do
  aws dynamodb create-table --cli-input-json "$table" > /dev/null 2>&1 || echo "table exists or failed: $table" >&2
done
template buckets | while read -r bucket; do
  aws s3api create-bucket --bucket "$bucket" > /dev/null 2>&1 || echo "bucket $bucket exists or failed" >&2
done
template buses | while read -r bus; do
  aws events create-event-bus --name "$bus" > /dev/null 2>&1 || echo "bus $bus exists or failed" >&2
done

mkdir -p "$OUT"
{
  echo "# Written by infra/localstack/setup.sh: lackey's resources on LocalStack at $ENDPOINT"
  for service in DYNAMODB S3 EVENTBRIDGE; do echo "export AWS_ENDPOINT_URL_$service='$ENDPOINT'"; done
  echo "export AWS_REGION='us-east-1' AWS_DEFAULT_REGION='us-east-1' AWS_ACCESS_KEY_ID='test' AWS_SECRET_ACCESS_KEY='test'"
  template env | sed "s/^\([A-Z_]*\)=\(.*\)$/export \1='\2'/"
} > "$OUT/local.env"
{
  echo '{"Parameters": {'
  for service in DYNAMODB S3 EVENTBRIDGE; do echo "  \"AWS_ENDPOINT_URL_$service\": \"$DOCKER_ENDPOINT\","; done
  echo '  "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"'
  echo '}}'
} > "$OUT/sam-env.json"
echo "LocalStack is set up. Tools: . $OUT/local.env   Functions: sam local start-api --env-vars $OUT/sam-env.json"
