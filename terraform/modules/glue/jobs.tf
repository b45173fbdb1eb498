# The jobs, their network connection and their schedules.

# the connection's zone is its subnet's: a zone given apart could name another, and Glue would fail the runs
data "aws_subnet" "connection" {
  id = var.connection_subnet_id
}

# A NETWORK connection: it places the jobs in the database's subnet and security group, nothing more.
# The jobs log in themselves, with the secret in PG_SECRET_ID, so a JDBC connection's credentials
# would go unused.
resource "aws_glue_connection" "postgres" {
  name            = "${var.name_prefix}-postgres"
  connection_type = "NETWORK"
  physical_connection_requirements {
    subnet_id              = var.connection_subnet_id
    availability_zone      = data.aws_subnet.connection.availability_zone
    security_group_id_list = [var.connection_security_group_id]
  }

  tags = var.tags
}

locals {
  scheduled = var.run_mode == "scheduled"
}

resource "aws_glue_job" "streaming" {
  for_each     = local.streaming_jobs
  name         = "${var.name_prefix}-${each.key}-streaming"
  role_arn     = aws_iam_role.this["streaming"].arn
  glue_version = "5.0"
  # G.025X is Glue's for streaming jobs only; an ETL job has at least two workers (its driver and one executor)
  worker_type       = local.scheduled && var.worker_type == "G.025X" ? "G.1X" : var.worker_type
  number_of_workers = local.scheduled ? max(2, var.streaming_workers) : var.streaming_workers
  connections       = [aws_glue_connection.postgres.name]
  # Glue restarts a streaming job in its maintenance window; a scheduled run ends by itself
  maintenance_window = local.scheduled ? null : var.maintenance_window
  # Flex: spare capacity at a lower price, a run may wait to start; only for ETL jobs
  execution_class = local.scheduled ? "FLEX" : null
  timeout         = local.scheduled ? var.scheduled_run_minutes + 10 : null
  # a run still draining when the next is due: the next waits in Glue's queue instead of failing
  job_run_queuing_enabled = local.scheduled ? true : null
  command {
    name            = local.scheduled ? "glueetl" : "gluestreaming"
    script_location = local.placeholder
  }
  default_arguments = merge(local.streaming_arguments, each.value.arguments,
    local.scheduled ? {
      "--STOP_WHEN_DRAINED" = "true"
      "--MAX_RUN_SECONDS"   = tostring(var.scheduled_run_minutes * 60)
      # a run drains what is there: each batch right after the one before, the windows query's too
      "--TRIGGER_INTERVAL"         = "1 second"
      "--WINDOWS_TRIGGER_INTERVAL" = "1 second"
    } : {},
    length(each.value.streams) == 1 ? { "--STREAM_NAME" = each.value.streams[0] } : { "--STREAM_NAMES" = join(",", each.value.streams) },
    each.value.contract == null ? {} : { "--CONTRACT" = "${local.artifacts}/${each.value.contract}" },
    {
      "--class" = each.value.class
      # a checkpoint holds positions in its streams, and the job refuses it for any other: a job given
      # other streams starts on a checkpoint of its own
      "--CHECKPOINT_PATH" = "${local.checkpoints}/streaming/${join("+", each.value.streams)}"
  })
  execution_property {
    # one writer per Delta table and staging table
    max_concurrent_runs = 1
  }

  tags = var.tags
}

resource "aws_glue_job" "combine" {
  name              = "${var.name_prefix}-combine"
  role_arn          = aws_iam_role.this["combine"].arn
  glue_version      = "5.0"
  worker_type       = "G.1X"
  number_of_workers = 2
  timeout           = 60
  # an hourly run still going when the next is due: the next waits in Glue's queue instead of failing
  # with ConcurrentRunsExceededException
  job_run_queuing_enabled = true
  command {
    name            = "glueetl"
    script_location = local.placeholder
  }
  default_arguments = merge(local.common_arguments, {
    "--class"            = "com.fleetstream.jobs.CombineJob"
    "--INPUT_DELTA_PATH" = "${local.curated}/delta"
    "--FINAL_PATH"       = local.final
  })
  execution_property {
    max_concurrent_runs = 1
  }

  tags = var.tags
}

# Makes the streaming jobs' PostgreSQL login and the API's with the master user's secret (run it once
# after the first apply, before the streaming jobs), then rotates their passwords on a schedule.
resource "aws_glue_job" "writer_login" {
  name              = "${var.name_prefix}-writer-login"
  role_arn          = aws_iam_role.this["login"].arn
  glue_version      = "5.0"
  worker_type       = "G.1X"
  number_of_workers = 2
  timeout           = 15
  connections       = [aws_glue_connection.postgres.name]
  command {
    name            = "glueetl"
    script_location = local.placeholder
  }
  default_arguments = merge(local.common_arguments, {
    "--class"              = "com.fleetstream.jobs.WriterLoginJob"
    "--PG_JDBC_URL"        = var.postgres_jdbc_url
    "--PG_ADMIN_SECRET_ID" = var.postgres_admin_secret_arn
    "--PG_SECRET_ID"       = var.postgres_secret_arn
    "--PG_SSL_ROOT_CERT"   = local.postgres_ca_bundle
  }, var.postgres_reader_secret_arn == null ? {} : { "--PG_READER_SECRET_ID" = var.postgres_reader_secret_arn })
  execution_property {
    max_concurrent_runs = 1
  }

  tags = var.tags
}

resource "aws_glue_trigger" "writer_rotation" {
  name     = "${var.name_prefix}-writer-rotation"
  type     = "SCHEDULED"
  schedule = var.writer_rotation_schedule
  actions {
    job_name = aws_glue_job.writer_login.name
  }

  tags = var.tags
}

# run_mode scheduled: each streaming job's runs
resource "aws_glue_trigger" "streaming" {
  for_each = local.scheduled ? local.streaming_jobs : {}
  name     = "${var.name_prefix}-${each.key}-schedule"
  type     = "SCHEDULED"
  schedule = var.run_schedule
  actions {
    job_name = aws_glue_job.streaming[each.key].name
  }

  tags = var.tags
}

resource "aws_glue_trigger" "combine" {
  name     = "${var.name_prefix}-combine-schedule"
  type     = "SCHEDULED"
  schedule = var.combine_schedule
  actions {
    job_name = aws_glue_job.combine.name
  }

  tags = var.tags
}
