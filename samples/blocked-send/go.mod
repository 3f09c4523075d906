module example.com/samples/blocked-send

go 1.21
