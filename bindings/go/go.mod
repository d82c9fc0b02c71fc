module inlay

go 1.19
