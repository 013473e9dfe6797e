.strtab "b", ""
.option a "b"
.option a "b"! "
.option a ""
.option a "b"! every-o