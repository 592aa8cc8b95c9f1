#!/usr/bin/env bash
# tables create|verify where the endpoint holds every setting: the local
# server behind tests/cdk/settings_proxy.py, which keeps the stream,
# encryption, deletion protection, TTL and PITR that dynalite drops (in
# DynamoDB's wire format). Proves that create applies TTL and PITR, that
# verify reports no note when all is held, and that real drift in those
# settings is a difference. Read back with the AWS CLI through the proxy.
. "$(dirname "$0")/../lib.sh"
local_aws_env

proxy_pid=
trap '[[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null; exit $_failed' EXIT
python3 "$ROOT/tests/cdk/settings_proxy.py" --upstream "$WWSEED_TEST_ENDPOINT" --port-file "$T/port" &
proxy_pid=$!
for _ in $(seq 1 100); do [[ -f $T/port ]] && break; sleep 0.05; done
[[ -f $T/port ]] || { not_ok "settings proxy started"; exit 1; }
ep=http://127.0.0.1:$(cat "$T/port")
export AWS_ENDPOINT_URL_DYNAMODB=$ep
via() { aws dynamodb --endpoint-url "$ep" --region us-east-1 --output text "$@"; }

s=sp$$
dft=sd$$
sed "s/schratcho-dev-/schratcho-$s-/g" "$ROOT/tests/fixtures/cfn/per-kind-dev.template.json" >"$T/pk.json"
sed "s/schratcho-dev-/schratcho-$dft-/g" "$ROOT/tests/fixtures/cfn/per-kind-dev.template.json" >"$T/drift.json"
st=so$$
sed "s/schratcho-prod-/schratcho-$st-/g" "$ROOT/tests/fixtures/cfn/single-table-prod.template.json" >"$T/st.json"

# ---- create applies everything ----------------------------------------
run "$WWSEED" tables create --template "$T/pk.json"
expect_rc 0 "create through a server that holds every setting"
expect_not_contains "$err" "note:" "no setting is reported unsupported"
expect_eq "$(via describe-time-to-live --table-name "schratcho-$s-wwseed-ledger" --query 'TimeToLiveDescription.[TimeToLiveStatus,AttributeName]')" \
  "$(printf 'ENABLED\texpiresAt')" "aws cli: TTL on expiresAt was applied to the ledger"
for t in prizes wwseed-ledger; do
  expect_eq "$(via describe-continuous-backups --table-name "schratcho-$s-$t" --query 'ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus')" \
    ENABLED "aws cli: PITR was applied to $t"
done
expect_eq "$(via describe-table --table-name "schratcho-$s-tickets" --query 'Table.[SSEDescription.Status,SSEDescription.SSEType,StreamSpecification.StreamViewType,DeletionProtectionEnabled]')" \
  "$(printf 'ENABLED\tKMS\tNEW_AND_OLD_IMAGES\tFalse')" "aws cli: tickets encrypted with KMS, stream of new and old images, unprotected (dev)"

run "$WWSEED" tables create --template "$T/pk.json"
expect_rc 0 "create again (TTL already on is fine)"
expect_not_contains "$err" "warning" "create again finds nothing to warn about"

run "$WWSEED" tables verify --template "$T/pk.json"
expect_rc 0 "verify: everything matches"
expect_not_contains "$err" "note:" "verify compared every setting"

# ---- prod single-table: deletion protection and the index ---------------
run "$WWSEED" tables create --template "$T/st.json"
expect_rc 0 "create single-table prod"
expect_eq "$(via describe-table --table-name "schratcho-$st-game-data" --query 'Table.DeletionProtectionEnabled')" True "aws cli: prod game-data is deletion protected"
run "$WWSEED" tables verify --template "$T/st.json"
expect_rc 0 "verify single-table prod"

# ---- drift is a difference ----------------------------------------------
via update-continuous-backups --table-name "schratcho-$s-prizes" --point-in-time-recovery-specification PointInTimeRecoveryEnabled=false >/dev/null
via update-time-to-live --table-name "schratcho-$s-wwseed-ledger" --time-to-live-specification Enabled=false,AttributeName=expiresAt >/dev/null
run "$WWSEED" tables verify --template "$T/pk.json"
expect_rc 1 "verify fails after PITR and TTL were turned off"
expect_eq "$out" "schratcho-$s-prizes: point-in-time recovery: template enabled, table disabled
schratcho-$s-wwseed-ledger: time to live: template on 'expiresAt', table disabled" "verify names exactly the two settings"

# A table made by hand with the right key but none of the settings.
via create-table --table-name "schratcho-$dft-stores" --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH >/dev/null
run "$WWSEED" tables verify --template "$T/drift.json"
expect_rc 1 "verify fails on a bare table"
expect_contains "$out" "schratcho-$dft-stores: encryption: template KMS (AWS managed key), table AWS owned key
schratcho-$dft-stores: stream: template NEW_AND_OLD_IMAGES, table disabled
schratcho-$dft-stores: point-in-time recovery: template enabled, table disabled" "verify reports encryption, stream and PITR of the bare table"
expect_contains "$out" "schratcho-$dft-prizes: table: template declared, table missing" "verify reports the missing tables"

run "$WWSEED" tables create --template "$T/drift.json"
expect_rc 0 "create keeps the bare table (same keys)"
expect_contains "$out" "exists   schratcho-$dft-stores" "create reports it as existing"
expect_contains "$err" "wwseed: warning: schratcho-$dft-stores: encryption: template KMS (AWS managed key), table AWS owned key (create leaves existing tables as they are; see 'wwseed tables verify')" "create warns of what it does not change"
expect_eq "$(via describe-continuous-backups --table-name "schratcho-$dft-stores" --query 'ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus')" \
  ENABLED "aws cli: create turned PITR on for the existing table, as the template asks"
