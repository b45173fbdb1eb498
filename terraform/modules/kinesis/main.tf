locals {
  # more sensor streams (one per metric, as tutorials' producers write them) beside the documented one,
  # each named <prefix>-sensors-<suffix>, provisioned like it
  extra_streams = { for suffix in var.extra_sensor_streams : format("sensors-%s", suffix) => var.sensor_shards }
  documented_streams = {
    locations = var.location_shards
    sensors   = var.sensor_shards
  }
  streams = merge(local.documented_streams, local.extra_streams)
}

resource "aws_kinesis_stream" "this" {
  for_each         = local.streams
  name             = "${var.name_prefix}-${each.key}"
  shard_count      = var.stream_mode == "PROVISIONED" ? each.value : null
  retention_period = var.retention_hours
  encryption_type  = "KMS"
  kms_key_id       = var.kms_key_arn

  stream_mode_details {
    stream_mode = var.stream_mode
  }

  tags = var.tags
}
