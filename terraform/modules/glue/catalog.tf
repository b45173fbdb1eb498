# The catalog: its databases, the crawlers that make its tables, and the workgroup analysts query in.

resource "aws_glue_catalog_database" "this" {
  for_each = local.definitions.databases
  name     = each.value

  tags = var.tags
}

resource "aws_glue_crawler" "this" {
  for_each      = local.crawlers
  name          = each.key
  database_name = aws_glue_catalog_database.this[each.value.database].name
  table_prefix  = local.table_prefixes[each.key] == "" ? null : local.table_prefixes[each.key]
  role          = aws_iam_role.this["crawler"].arn
  # Athena reads a native Delta table's log itself: a crawl makes the table and follows its schema. The
  # quarantine's Parquet gets its new dt=/hour= partitions by a crawl. Each run bills 10 minutes at
  # least, so once a day, after the night's combine runs; docs/deploy.md's first-run steps start them once.
  schedule = var.crawler_schedule

  lifecycle {
    precondition {
      condition     = endswith(each.value.table, local.table_folders[each.key])
      error_message = "crawlers.json: table ${each.value.table} must end with its folder's name (${local.table_folders[each.key]}): Glue names a crawled table after its folder."
    }
  }

  dynamic "delta_target" {
    for_each = each.value.format == "delta" ? [each.value] : []
    content {
      delta_tables              = ["${local.bucket_paths[delta_target.value.bucket]}/${delta_target.value.path}"]
      create_native_delta_table = local.definitions.delta.create_native_delta_table
      write_manifest            = local.definitions.delta.write_manifest
    }
  }

  dynamic "s3_target" {
    for_each = each.value.format == "parquet" ? [each.value] : []
    content {
      path       = "${local.bucket_paths[s3_target.value.bucket]}/${s3_target.value.path}"
      exclusions = local.definitions.parquet.exclusions
    }
  }

  dynamic "recrawl_policy" {
    for_each = each.value.format == "parquet" ? [1] : []
    content {
      recrawl_behavior = local.definitions.parquet.recrawl_behavior
    }
  }

  dynamic "schema_change_policy" {
    for_each = each.value.format == "parquet" ? [1] : []
    content {
      update_behavior = local.definitions.parquet.update_behavior
      delete_behavior = local.definitions.parquet.delete_behavior
    }
  }

  configuration = each.value.format == "parquet" ? jsonencode(local.definitions.parquet.configuration) : null
  tags          = var.tags
}

resource "aws_athena_workgroup" "analysts" {
  name = "${var.name_prefix}-analysts"
  configuration {
    enforce_workgroup_configuration = true
    result_configuration {
      output_location = "${local.curated}/athena-results/"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}
