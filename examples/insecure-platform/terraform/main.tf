terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = var.region
}

resource "aws_s3_bucket" "warehouse" {
  bucket = "acme-warehouse-raw"
}

resource "aws_security_group" "warehouse_db" {
  name   = "warehouse-db"
  vpc_id = var.vpc_id

  ingress {
    description = "Postgres from anywhere"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "warehouse" {
  identifier          = "warehouse"
  engine              = "postgres"
  engine_version      = "15.5"
  instance_class      = "db.r6g.large"
  username            = "admin"
  password            = "Sup3r-Secret-Warehouse-Pw"
  storage_encrypted   = false
  skip_final_snapshot = true
}

resource "aws_kms_key" "warehouse" {
  description = "warehouse data key"
}

resource "aws_iam_policy" "etl" {
  name = "etl"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

# MI-2: audit events kept forever and readable without a key policy.
resource "aws_cloudwatch_log_group" "warehouse_audit" {
  name = "/warehouse/audit"
}
