locals {
  streams = {
    locations = var.location_shards
    sensors   = var.sensor_shards
  }
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
