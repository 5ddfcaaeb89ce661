terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = var.region
}

resource "aws_kms_key" "warehouse" {
  description         = "warehouse data key"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "warehouse" {
  bucket = "acme-warehouse-raw"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "warehouse" {
  bucket = aws_s3_bucket.warehouse.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.warehouse.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "warehouse" {
  bucket                  = aws_s3_bucket.warehouse.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_security_group" "warehouse_db" {
  name   = "warehouse-db"
  vpc_id = var.vpc_id

  ingress {
    description     = "Postgres from the ETL workers only"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [var.etl_security_group_id]
  }
}

resource "aws_db_instance" "warehouse" {
  identifier                  = "warehouse"
  engine                      = "postgres"
  engine_version              = "15.5"
  instance_class              = "db.r6g.large"
  username                    = "warehouse_admin"
  manage_master_user_password = true
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.warehouse.arn
  skip_final_snapshot         = false
  backup_retention_period     = 14
  deletion_protection         = true
}

resource "aws_iam_policy" "etl" {
  name = "etl"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = ["${aws_s3_bucket.warehouse.arn}/raw/*"]
    }]
  })
}

# MI-2: sensitive logs kept 90 days, under the warehouse key.
resource "aws_cloudwatch_log_group" "warehouse_audit" {
  name              = "/warehouse/audit"
  retention_in_days = 90
  kms_key_id        = aws_kms_key.warehouse.arn
}
