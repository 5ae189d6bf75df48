{{- /*
The chart renders what `akv-replicator manifests` renders for the same configuration
(test/deploy/src/helm/chart-matches-manifests.test.ts holds both to it); the constants both use
come from templates/_generated.tpl, written from the TypeScript sources.
*/ -}}

{{- define "akvr.c" -}}{{ include "akvr.constants" . }}{{- end -}}

{{- /* Prefix of every object's name and of the app label. */ -}}
{{- define "akvr.app" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "akvr.labels" -}}
app.kubernetes.io/name: {{ include "akvr.app" . }}
app.kubernetes.io/part-of: akv-replicator
{{- end -}}

{{- /* bus.transport with its default; memory cannot span pods. */ -}}
{{- define "akvr.transport" -}}
{{- $c := include "akvr.constants" . | fromJson -}}
{{- $bus := .Values.config.bus | default dict -}}
{{- default $c.defaults.busTransport $bus.transport -}}
{{- end -}}

{{- /*
Every replica region, sorted, as JSON: the replicas of links, the source of a two-way link, the
destinations of selections, plus extraRegions (replicaRegions() in services/cli).
*/ -}}
{{- define "akvr.regions" -}}
{{- $regions := list -}}
{{- range (.Values.config.links | default list) -}}
{{- range .replicas -}}{{- $regions = append $regions .region -}}{{- end -}}
{{- if and (eq (default "one-way" .mode) "two-way") .source.region -}}{{- $regions = append $regions .source.region -}}{{- end -}}
{{- end -}}
{{- $fromTag := false -}}
{{- range (.Values.config.sources | default list) -}}
{{- range (.destinations | default list) -}}{{- $regions = append $regions .region -}}{{- end -}}
{{- if .destinationsFromTag -}}{{- $fromTag = true -}}{{- end -}}
{{- end -}}
{{- if and $fromTag (empty .Values.extraRegions) -}}
{{- fail "cannot render manifests: a selection takes its destinations from the dst_key_vault_names tag, so replica regions are only known at run time: name them in extraRegions" -}}
{{- end -}}
{{- $regions = concat $regions (.Values.extraRegions | default list) | uniq | sortAlpha -}}
{{- if empty $regions -}}
{{- fail "cannot render manifests: the configuration names no replica region" -}}
{{- end -}}
{{- toJson $regions -}}
{{- end -}}

{{- /* Regions like westeurope are already DNS labels; anything else is folded into one. */ -}}
{{- define "akvr.safe" -}}
{{- regexReplaceAll "[^a-z0-9-]+" (lower .) "-" | trimAll "-" -}}
{{- end -}}

{{- /* The first tenant authenticating with workload identity, as JSON ({} when none). */ -}}
{{- define "akvr.workloadIdentity" -}}
{{- $found := dict -}}
{{- range $name, $tenant := (.Values.config.tenants | default dict) -}}
{{- if and (empty $found) (eq (($tenant.auth | default dict).method | default "default") "workload-identity") -}}
{{- $found = $tenant -}}
{{- end -}}
{{- end -}}
{{- toJson $found -}}
{{- end -}}

{{- /* fromEnv names of the secret references under one value, one per line (secret-env.ts). */ -}}
{{- define "akvr.collectEnv" -}}
{{- if kindIs "slice" . -}}
{{- range . }}{{ include "akvr.collectEnv" . }}{{ end -}}
{{- else if kindIs "map" . -}}
{{- if and (eq (len .) 1) (hasKey . "fromEnv") (kindIs "string" .fromEnv) -}}
{{ .fromEnv }}
{{ else if and (eq (len .) 1) (hasKey . "fromFile") -}}
{{- else -}}
{{- range $key := keys . | sortAlpha }}{{ include "akvr.collectEnv" (index $ $key) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* The sorted fromEnv names a service reads, as JSON; dict "root" $ "service" NAME. */ -}}
{{- define "akvr.serviceEnv" -}}
{{- $c := include "akvr.constants" .root | fromJson -}}
{{- $names := list -}}
{{- range (index $c.secretSections .service) -}}
{{- $section := index ($.root.Values.config | default dict) . -}}
{{- range (include "akvr.collectEnv" $section | splitList "\n") -}}
{{- if . }}{{ $names = append $names . }}{{ end -}}
{{- end -}}
{{- end -}}
{{- toJson ($names | uniq | sortAlpha) -}}
{{- end -}}

{{- /* The Service Bus subscription of one lane (laneSubscriptionName in bus-servicebus). */ -}}
{{- define "akvr.laneSubscription" -}}
{{- $full := printf "%s.%s" .subscription .routingKey -}}
{{- if le (len $full) (int .max) -}}
{{- $full -}}
{{- else -}}
{{- printf "%s~%s" (trunc (int (sub .max 11)) $full) (sha256sum $full | trunc 10) -}}
{{- end -}}
{{- end -}}

{{- /*
discovery's status port when config.status.enabled, else 0 (status-service.ts in services/cli).
Port 0 (a free port) cannot be named in a Service.
*/ -}}
{{- define "akvr.statusPort" -}}
{{- $c := include "akvr.constants" . | fromJson -}}
{{- $status := .Values.config.status | default dict -}}
{{- $enabled := ternary $c.defaults.statusEnabled $status.enabled (not (hasKey $status "enabled")) -}}
{{- if $enabled -}}
{{- $port := int (ternary $c.defaults.statusPort $status.port (not (hasKey $status "port"))) -}}
{{- if eq $port 0 -}}
{{- fail "cannot render manifests: status.port is 0 (a free port): a Service needs a fixed port, e.g. 8081" -}}
{{- end -}}
{{- $port -}}
{{- else -}}
0
{{- end -}}
{{- end -}}

{{- /*
"true" when config.discovery.leaderElection elects a leader (kind nats or kubernetes-lease).
*/ -}}
{{- define "akvr.discoveryElected" -}}
{{- $c := include "akvr.constants" . | fromJson -}}
{{- $election := (.Values.config.discovery | default dict).leaderElection | default dict -}}
{{- ne (toString (default $c.defaults.discoveryLeaderElection $election.kind)) "none" -}}
{{- end -}}

{{- /*
discoveryReplicas, refused above 1 without an election (discovery-workload.ts in services/cli):
with kind none every discovery pod plans every reconcile.
*/ -}}
{{- define "akvr.discoveryReplicas" -}}
{{- $replicas := int (default 1 .Values.discoveryReplicas) -}}
{{- if and (gt $replicas 1) (ne (include "akvr.discoveryElected" .) "true") -}}
{{- fail (printf "cannot render manifests: %d discovery replicas need discovery.leaderElection.kind nats or kubernetes-lease (it is none: every instance would plan every reconcile)" $replicas) -}}
{{- end -}}
{{- $replicas -}}
{{- end -}}
