module local.test/real-node-images

go 1.26.0
